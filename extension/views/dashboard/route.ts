import type { MemberListItem } from '@twostep/shared';
import type { Ask } from '@/messages/intents.ts';
/** The dashboard's screens, each a hash: `#findings?platform=instagram`. */
export const screens = [
  ['coverage', 'Coverage'],
  ['findings', 'Findings'],
  ['phones', 'Phones'],
  ['grants', 'Grants'],
  ['members', 'Members'],
  ['events', 'Events'],
  ['report', 'Client report'],
  ['import', 'Import & export'],
] as const;
export type ScreenName = (typeof screens)[number][0] | 'account';
export type Route = { screen: ScreenName; params: Record<string, string> };
/** What every screen of the dashboard is given: the way to the background, its route's params, the team. */
export type SectionProps = { ask: Ask; params: Record<string, string>; members: MemberListItem[] };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const [name, id] = path.split('/');
  const params = Object.fromEntries(new URLSearchParams(query));
  if (name === 'account' && id) return { screen: 'account', params: { ...params, id } };
  const known = screens.some(([each]) => each === name);
  return { screen: known ? (name as ScreenName) : 'coverage', params };
}

/** The hash for a screen and its filters; empty filters are left out. */
export function routeHash(screen: ScreenName, params: Record<string, string | undefined> = {}): string {
  const { id, ...rest } = params;
  const query = new URLSearchParams(
    Object.entries(rest).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return `#${screen}${screen === 'account' && id ? `/${id}` : ''}${query ? `?${query}` : ''}`;
}
