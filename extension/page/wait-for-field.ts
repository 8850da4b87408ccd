/**
 * Resolves with what `find` returns once it returns something, watching the DOM (MutationObserver) for at most
 * `ms`; resolves null when the time is up.
 */
export function waitForField<T>(doc: Document, find: () => T | null, ms: number): Promise<T | null> {
  const now = find();
  if (now) return Promise.resolve(now);
  return new Promise((done) => {
    const finish = (found: T | null) => {
      observer.disconnect();
      clearTimeout(timer);
      done(found);
    };
    const observer = new MutationObserver(() => {
      const found = find();
      if (found) finish(found);
    });
    observer.observe(doc, { childList: true, subtree: true, attributes: true });
    const timer = setTimeout(() => finish(null), ms);
  });
}
