import { startBackground } from '@/utils/intent-listener.ts';

export default defineBackground(() => startBackground());
