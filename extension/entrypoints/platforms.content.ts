import { platformPageMatches } from '@/messages/platform-pages.ts';
import { startPageScript } from '@/page/page-script.ts';

export default defineContentScript({
  matches: platformPageMatches,
  allFrames: false,
  runAt: 'document_idle',
  main: () => startPageScript(),
});
