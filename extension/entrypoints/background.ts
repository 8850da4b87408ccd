import { startBackground } from '@/background/intent-listener.ts';

export default defineBackground(() => {
  const { pages } = startBackground();
  // Only in the end-to-end tests' build (`wxt build --mode e2e`, tests/e2e/harness.ts); a release build drops it.
  // The service worker's own global scope, which no page, content script or extension view can reach: the tests
  // drive the real page bridge through it with worker.evaluate (tests/e2e/page-fill.test.ts).
  if (import.meta.env.MODE === 'e2e') Object.assign(globalThis, { twostepPages: pages });
});
