import { startBackground } from '@/background/intent-listener.ts';

export default defineBackground(() => startBackground());
