/**
 * Whether a field may receive a fill: it is in this top-level document, enabled, rendered, of real size, not
 * see-through (opacity multiplies down the tree, so it is taken through every ancestor), and what the browser
 * would hit at its centre is the field itself (no overlay, as in clickjacking).
 */

const minOpacity = 0.5;

/** The product of the opacities of `element` and all its ancestors (across shadow roots). */
export function effectiveOpacity(element: Element): number {
  let opacity = 1;
  for (let node: Element | null = element; node; node = parentOf(node)) {
    const own = Number.parseFloat(getComputedStyle(node).opacity);
    if (Number.isFinite(own)) opacity *= own;
  }
  return opacity;
}

function parentOf(node: Element): Element | null {
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
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit !== null && (hit === field || field.contains(hit));
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
