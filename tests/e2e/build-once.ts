import { buildExtension } from './harness.ts';

/** Every end-to-end file loads the same built extension: built once before them, never twice at the same time. */
export default async function buildOnce() {
  await buildExtension();
}
