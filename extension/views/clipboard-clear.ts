/** How long a secret copied on the options page (which stays open) stays on the clipboard. */
export const clearClipboardAfterMs = 60_000;

export type ClipboardWrite = (text: string) => Promise<void>;

const browserWrite: ClipboardWrite = (text) => navigator.clipboard.writeText(text);

// Bumped on every successful copy: a pending clear runs only if no copy from this page happened since.
let lastCopy = 0;

/**
 * Copies `text`, then overwrites the clipboard with an empty string after a minute unless this page copied
 * something else meanwhile. A copy in another app is not seen (reading the clipboard needs a permission Twostep
 * does not ask for); the browser may also refuse the late write on an unfocused page, which is ignored.
 */
export async function copyThenClear(text: string, write: ClipboardWrite = browserWrite): Promise<void> {
  await write(text);
  const mine = ++lastCopy;
  setTimeout(() => {
    if (mine === lastCopy) write('').catch(() => undefined);
  }, clearClipboardAfterMs);
}
