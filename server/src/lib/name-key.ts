/**
 * What a name reads as, for telling two people apart: NFKC (so compatibility forms such as fullwidth letters
 * match their plain forms), then case-folded (upper then lower, so `ß` and `SS` match), spaces collapsed.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/\s+/g, ' ').trim();
}
