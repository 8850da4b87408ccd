import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearClipboardAfterMs, copyThenClear } from './clipboard-clear.ts';

function fakeClipboard() {
  const writes: string[] = [];
  const write = vi.fn(async (text: string) => void writes.push(text));
  return { writes, write };
}

describe('copying a secret on the options page', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('empties the clipboard a minute after the copy, not before', async () => {
    const { writes, write } = fakeClipboard();
    await copyThenClear('token-1', write);
    expect(clearClipboardAfterMs).toBe(60_000);
    await vi.advanceTimersByTimeAsync(clearClipboardAfterMs - 1);
    expect(writes).toEqual(['token-1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual(['token-1', '']);
  });

  it('leaves a later copy alone: only the last copy’s minute clears', async () => {
    const { writes, write } = fakeClipboard();
    await copyThenClear('first', write);
    await vi.advanceTimersByTimeAsync(30_000);
    await copyThenClear('second', write);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(writes).toEqual(['first', 'second']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(writes).toEqual(['first', 'second', '']);
    await vi.advanceTimersByTimeAsync(5 * clearClipboardAfterMs);
    expect(writes).toEqual(['first', 'second', '']);
  });

  it('schedules nothing when the copy fails, and keeps the earlier copy’s clear', async () => {
    const { writes, write } = fakeClipboard();
    await copyThenClear('kept', write);
    const refused = vi.fn(async () => Promise.reject(new Error('not focused')));
    await expect(copyThenClear('refused', refused)).rejects.toThrow('not focused');
    await vi.advanceTimersByTimeAsync(clearClipboardAfterMs);
    expect(writes).toEqual(['kept', '']);
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it('swallows a refused clear (an unfocused page)', async () => {
    const write = vi.fn(async (text: string) => (text === '' ? Promise.reject(new Error('not focused')) : undefined));
    await copyThenClear('secret', write);
    await vi.advanceTimersByTimeAsync(clearClipboardAfterMs);
    expect(write).toHaveBeenLastCalledWith('');
  });
});
