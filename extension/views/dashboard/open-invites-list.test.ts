import type { MemberListItem } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { creatorName, expiresIn, invitesPerPage, sliceOf } from './open-invites-list.ts';

const items = Array.from({ length: 60 }, (_, i) => i);

describe('the open invites list', () => {
  it('shows one page at a time and says which rows it shows', () => {
    expect(sliceOf(items, 0)).toMatchObject({ page: 0, pages: 3, from: 1, to: invitesPerPage });
    expect(sliceOf(items, 0).shown).toHaveLength(invitesPerPage);
    const last = sliceOf(items, 2);
    expect(last).toMatchObject({ page: 2, from: 51, to: 60 });
    expect(last.shown).toEqual(items.slice(50));
  });

  it('stays on a page that exists when rows go away, and has one empty page for none', () => {
    expect(sliceOf(items.slice(0, 50), 2)).toMatchObject({ page: 1, from: 26, to: 50 });
    expect(sliceOf([], 3)).toEqual({ shown: [], page: 0, pages: 1, from: 0, to: 0 });
  });

  it('names the creator from the team, or says they are gone', () => {
    const lea = { id: 'l1', name: 'Lea Lead' } as MemberListItem;
    expect(creatorName('l1', [lea])).toBe('Lea Lead');
    expect(creatorName('l2', [lea])).toBe('a former lead');
  });

  it('says how long an invite still runs', () => {
    const now = Date.UTC(2026, 11, 2, 9);
    const at = (ms: number) => new Date(now + ms).toISOString();
    expect(expiresIn(at(7 * 24 * 3_600_000), now)).toBe('in 7 days');
    expect(expiresIn(at(7 * 24 * 3_600_000 - 60_000), now)).toBe('in 7 days');
    expect(expiresIn(at(60 * 3_600_000), now)).toBe('in 3 days');
    expect(expiresIn(at(47 * 3_600_000), now)).toBe('in 47 hours');
    expect(expiresIn(at(30 * 60_000), now)).toBe('within the hour');
    expect(expiresIn(at(-1), now)).toBe('now');
  });
});
