import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '@/messages/intents.ts';
import type { Problem } from '@/messages/problem.ts';
import { problemText } from '@/views/problem-text.ts';

export type Page<T> = { items: T[]; next: string | null };
type State<T> =
  | { state: 'loading'; page?: Page<T> }
  | { state: 'error'; problem: Problem }
  | { state: 'ready'; page: Page<T> };

/** Turns a reply into a page of items, or keeps its problem. */
export function pageOf<T, D>(reply: Reply, pick: (data: D) => Page<T>): Page<T> | Problem {
  return reply.ok ? pick(reply.data as D) : reply.problem;
}

/**
 * One page of a long list at a time, by the API's cursors: Next follows `next`, Previous goes back along the
 * cursors already seen. Changing `key` (the filters) starts again at the first page.
 */
export function usePaged<T>(key: string, load: (cursor: string | undefined) => Promise<Page<T> | Problem>) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [state, setState] = useState<State<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const cursor = cursors.at(-1);

  // A new key (other filters) starts over at page one.
  useEffect(() => setCursors([undefined]), [key]);
  // `load` is rebuilt each render: key, cursor and tick say what to fetch.
  useEffect(() => {
    let live = true;
    setState((now) => ({ state: 'loading', page: now.state === 'ready' ? now.page : undefined }));
    load(cursor).then((result) => {
      if (!live) return;
      setState('items' in result ? { state: 'ready', page: result } : { state: 'error', problem: result });
    });
    return () => {
      live = false;
    };
  }, [key, cursor, tick]);

  return {
    state,
    pageNumber: cursors.length,
    next: () => state.state === 'ready' && state.page.next && setCursors([...cursors, state.page.next]),
    previous: () => cursors.length > 1 && setCursors(cursors.slice(0, -1)),
    reload: () => setTick((n) => n + 1),
  };
}

export type Paged<T> = ReturnType<typeof usePaged<T>>;

/** Previous / page n / Next under a table, and the state of the request. */
export function Pager<T>({ paged, noun }: { paged: Paged<T>; noun: string }) {
  const { state, pageNumber } = paged;
  const page = state.state === 'error' ? undefined : state.page;
  return (
    <div class="pager">
      {state.state === 'error' && (
        <p class="error" role="alert">
          {problemText(state.problem)}{' '}
          <button type="button" class="link" onClick={paged.reload}>
            Try again
          </button>
        </p>
      )}
      <button type="button" disabled={pageNumber === 1} onClick={paged.previous}>
        Previous
      </button>
      <span class="meta" aria-live="polite">
        {state.state === 'loading'
          ? 'Loading…'
          : page
            ? `Page ${pageNumber}${page.items.length === 0 ? `: no ${noun}` : ''}`
            : ''}
      </span>
      <button type="button" disabled={!page?.next || state.state === 'loading'} onClick={paged.next}>
        Next
      </button>
    </div>
  );
}

/** The items to show: the current page, or the last one while the next is loading. */
export function itemsOf<T>(paged: Paged<T>): T[] {
  return paged.state.state === 'error' ? [] : (paged.state.page?.items ?? []);
}
