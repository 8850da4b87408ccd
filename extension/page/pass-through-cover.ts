import { effectiveOpacity, parentOf } from './field-safety.ts';

/**
 * elementFromPoint skips layers with `pointer-events: none`, so an opaque cover can let the member's clicks
 * through to a field it hides. This finds such a layer over the field's centre: an element (not the field, not
 * one of its ancestors) whose box holds the point, that paints something opaque, and that is painted above the
 * field (learnt by letting that one element take hits for a moment: no page script runs meanwhile). A floating
 * label with a see-through background (Instagram's, Google's) paints only its text and does not count.
 */

const replaced = new Set(['IMG', 'VIDEO', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED', 'svg']);

function alpha(color: string): number {
  if (color === 'transparent') return 0;
  const parts = color.match(/[\d.]+%?/g) ?? [];
  if (!color.startsWith('rgba') && !color.includes('/')) return 1;
  const last = parts.at(-1) ?? '1';
  return last.endsWith('%') ? Number.parseFloat(last) / 100 : Number.parseFloat(last);
}

function paintsOpaque(element: Element): boolean {
  const style = getComputedStyle(element);
  if (style.visibility !== 'visible' || style.display === 'none') return false;
  const opaque =
    replaced.has(element.tagName) || style.backgroundImage !== 'none' || alpha(style.backgroundColor) >= 0.5;
  return opaque && effectiveOpacity(element) >= 0.5;
}

function isAncestor(element: Element, field: Element): boolean {
  for (let node: Element | null = parentOf(field); node; node = parentOf(node)) if (node === element) return true;
  return false;
}

/** Whether `element`, made hittable for an instant, is hit above `field` at (x, y). */
function paintedAbove(element: HTMLElement | SVGElement, field: Element, x: number, y: number): boolean {
  const before = element.getAttribute('style');
  const had = ['pointer-events', 'transition'].map(
    (name) => [name, element.style.getPropertyValue(name), element.style.getPropertyPriority(name)] as const,
  );
  // No transition either: `transition: pointer-events 100s allow-discrete` would keep the old value during the test.
  element.style.setProperty('transition', 'none', 'important');
  element.style.setProperty('pointer-events', 'auto', 'important');
  try {
    for (const hit of document.elementsFromPoint(x, y)) {
      if (hit === field || field.contains(hit)) return false;
      if (hit === element || element.contains(hit)) return true;
    }
    return false;
  } finally {
    // Put back through the CSSOM (a page's CSP may refuse a written style attribute, never this).
    for (const [name, value, priority] of had)
      if (value) element.style.setProperty(name, value, priority);
      else element.style.removeProperty(name);
    if (before === null) element.removeAttribute('style');
  }
}

export function coveredByPassThrough(field: Element, x: number, y: number): boolean {
  for (const element of document.querySelectorAll('*')) {
    if (
      element === field ||
      field.contains(element) ||
      !(element instanceof HTMLElement || element instanceof SVGElement)
    )
      continue;
    if (getComputedStyle(element).pointerEvents !== 'none') continue;
    const box = element.getBoundingClientRect();
    if (x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
    if (isAncestor(element, field) || !paintsOpaque(element)) continue;
    if (paintedAbove(element, field, x, y)) return true;
  }
  return false;
}
