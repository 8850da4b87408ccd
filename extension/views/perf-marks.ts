/**
 * Performance marks around the account list, read by `npm run bench:popup` in Chromium: from the accounts'
 * arrival (or a search keystroke) to the first frame after the list has been drawn.
 */
export const listMarks = {
  data: 'twostep:accounts-data',
  painted: 'twostep:accounts-painted',
  typed: 'twostep:search-typed',
  searched: 'twostep:search-painted',
} as const;

export function mark(name: string) {
  performance.mark(name);
}

/** Marks `name` at the next frame (the list is on screen then), and measures from `since`. */
export function markNextFrame(name: string, since: string) {
  requestAnimationFrame(() => {
    performance.mark(name);
    if (performance.getEntriesByName(since, 'mark').length) performance.measure(`${name}:ms`, since, name);
  });
}
