import type { Member, MemberListItem } from '@twostep/shared';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Ask, ask } from '@/messages/intents.ts';
import { problemText } from '@/views/problem-text.ts';
import { AccountView } from './account-view.tsx';
import { ClientReport } from './client-report.tsx';
import { Coverage } from './coverage.tsx';
import { Events } from './events.tsx';
import { Findings } from './findings.tsx';
import { Grants } from './grants.tsx';
import { ImportExport } from './import-export.tsx';
import { MemberHome } from './member-home.tsx';
import { Members } from './members.tsx';
import { Phones } from './phones.tsx';
import { parseRoute, type Route, routeHash, screens } from './route.ts';

type Session =
  | { state: 'loading' }
  | { state: 'out'; notice: string }
  | { state: 'in'; member: Member; serverUrl: string };
const isLead = (member: Member) => member.role === 'lead' || member.role === 'owner';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** The dashboard (the extension's options page): like the popup it renders and sends intents, never holds a token. */
export function DashboardApp() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [members, setMembers] = useState<MemberListItem[] | null>(null);
  const route = useRoute();

  const askHere: Ask = useCallback(async (type, payload) => {
    const reply = await ask(type, payload);
    if (!reply.ok && reply.problem.code === 'unauthorized')
      setSession({ state: 'out', notice: problemText(reply.problem) });
    return reply;
  }, []);
  const loadMembers = useCallback(() => {
    askHere('dashboard.members', {}).then((reply) => reply.ok && setMembers(reply.data.members));
  }, [askHere]);

  useEffect(() => {
    ask('session.get', {}).then((reply) => {
      if (!reply.ok) return setSession({ state: 'out', notice: problemText(reply.problem) });
      const { member, serverUrl } = reply.data;
      if (!member)
        return setSession({ state: 'out', notice: 'Sign in from the Twostep popup first, then reload this page.' });
      setSession({ state: 'in', member, serverUrl });
    });
  }, []);
  // The team's members, for the views that name them; not for the first view, which paints sooner without.
  const needsMembers = session.state === 'in' && isLead(session.member) && route.screen !== 'coverage';
  useEffect(() => {
    if (needsMembers && members === null) loadMembers();
  }, [needsMembers, members, loadMembers]);

  if (session.state === 'loading') return <p class="meta pad">Loading…</p>;
  if (session.state === 'out')
    return (
      <main class="pad">
        <h1>Twostep</h1>
        <p role="alert">{session.notice}</p>
      </main>
    );
  const { member } = session;
  const lead = isLead(member);
  const { screen, params } = route;
  const team = members ?? [];

  return (
    <div class={lead ? 'layout' : 'layout no-nav'}>
      <header class="top">
        <h1>Twostep</h1>
        <span class="meta" title={session.serverUrl}>
          {member.name} · {member.role}
        </span>
      </header>
      {lead && (
        <nav aria-label="Dashboard">
          {screens.map(([name, label]) => (
            <a key={name} href={routeHash(name)} aria-current={screen === name ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
      )}
      <main>
        {!lead && screen !== 'account' && <MemberHome ask={askHere} />}
        {screen === 'account' && <AccountView ask={askHere} id={params.id!} lead={lead} />}
        {lead && screen === 'coverage' && <Coverage ask={askHere} />}
        {lead && screen === 'findings' && <Findings ask={askHere} params={params} />}
        {lead && screen === 'phones' && <Phones ask={askHere} params={params} members={team} />}
        {lead && screen === 'grants' && <Grants ask={askHere} params={params} members={team} />}
        {lead && screen === 'members' && <Members ask={askHere} me={member} members={team} onChanged={loadMembers} />}
        {lead && screen === 'events' && <Events ask={askHere} params={params} members={team} />}
        {lead && screen === 'report' && <ClientReport ask={askHere} params={params} members={team} />}
        {lead && screen === 'import' && <ImportExport ask={askHere} />}
      </main>
    </div>
  );
}
