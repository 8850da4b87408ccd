import { startBackground } from '@/background/intent-listener.ts';

export default defineBackground(() => {
  const { pages } = startBackground();
  // The service worker's own global scope, which no page, content script or extension view can reach: the
  // end-to-end tests drive the real page bridge through it with worker.evaluate (tests/e2e/page-fill.test.ts).
  Object.assign(globalThis, { twostepPages: pages });
});
