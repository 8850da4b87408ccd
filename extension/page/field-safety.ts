import { coveredByPassThrough } from './pass-through-cover.ts';

/**
 * Whether a field may receive a fill: it is in this top-level document, enabled, rendered, of real size, not
 * see-through (opacity and filter: opacity() multiply down the tree, so both are taken through every ancestor),
 * and nothing is painted over its centre: what the browser would hit there is the field itself, and no opaque
 * layer that lets clicks through (pointer-events: none) lies over it either.
 */

const minOpacity = 0.5;
const filterOpacity = /opacity\(\s*([\d.]+)(%?)\s*\)/g;

/** The opacity `filter: opacity(...)` adds (every opacity() in the filter list multiplies). */
function filterFactor(filter: string): number {
  let factor = 1;
  for (const [, amount, percent] of filter.matchAll(filterOpacity)) {
    const value = Number.parseFloat(amount ?? '1') / (percent ? 100 : 1);
    if (Number.isFinite(value)) factor *= Math.min(Math.max(value, 0), 1);
  }
  return factor;
}

/** The product of the opacities (and filter opacities) of `element` and all its ancestors (across shadow roots). */
export function effectiveOpacity(element: Element): number {
  let opacity = 1;
  for (let node: Element | null = element; node; node = parentOf(node)) {
    const style = getComputedStyle(node);
    const own = Number.parseFloat(style.opacity);
    if (Number.isFinite(own)) opacity *= own;
    if (style.filter && style.filter !== 'none') opacity *= filterFactor(style.filter);
  }
  return opacity;
}

export function parentOf(node: Element): Element | null {
  if (node.parentElement) return node.parentElement;
  const root = node.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

function rendered(field: HTMLElement): boolean {
  const style = getComputedStyle(field);
  if (style.display === 'none' || style.visibility !== 'visible') return false;
  return field.checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) ?? true;
}

/** True when the element at the field's centre is the field (or inside it). Scrolls it into view first. */
function hitAtCentre(field: HTMLElement): boolean {
  field.scrollIntoView({ block: 'center', inline: 'center' });
  const box = field.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit === null || (hit !== field && !field.contains(hit))) return false;
  return !coveredByPassThrough(field, x, y);
}

export function isTopFrame(): boolean {
  return window.top === window;
}

export function isSafeField(field: HTMLInputElement | null | undefined): field is HTMLInputElement {
  if (!field || !isTopFrame() || !field.isConnected || field.ownerDocument !== document) return false;
  if (field.disabled || field.readOnly || field.type === 'hidden') return false;
  if (!rendered(field)) return false;
  const box = field.getBoundingClientRect();
  if (box.width < 1 || box.height < 1) return false;
  if (effectiveOpacity(field) < minOpacity) return false;
  return hitAtCentre(field);
}

/** A field a person can see (for telling which step a page is at; filling asks isSafeField). */
export function isVisibleField(field: HTMLInputElement | null | undefined): field is HTMLInputElement {
  if (!field || field.type === 'hidden' || !field.isConnected || !rendered(field)) return false;
  const box = field.getBoundingClientRect();
  return box.width >= 1 && box.height >= 1;
}
