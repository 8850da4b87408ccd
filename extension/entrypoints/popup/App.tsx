import type { Account, Member, Platform } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { type AccountPageView, type Ask, ask } from '@/messages/intents.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import type { Problem } from '@/messages/problem.ts';
import { listMarks, mark } from '@/views/perf-marks.ts';
import { AccountDetail } from '@/views/popup/account-detail.tsx';
import { AccountList, type ListFilter } from '@/views/popup/account-list.tsx';
import { CodeStep } from '@/views/popup/code-step.tsx';
import { InviteForm } from '@/views/popup/invite-form.tsx';
import { SetUpForm } from '@/views/popup/set-up-form.tsx';
import { SignInForm } from '@/views/popup/sign-in-form.tsx';
import { problemText } from '@/views/problem-text.ts';

type Screen =
  | { name: 'loading' }
  | { name: 'signIn'; notice?: string }
  | { name: 'setUp' }
  | { name: 'invite' }
  | { name: 'accounts' }
  | { name: 'account'; account: Account }
  | { name: 'codeStep'; account: Account & { platform: PagePlatform } };

type ListState = { state: 'loading' } | { state: 'error'; problem: Problem } | ({ state: 'ready' } & AccountPageView);

/** The popup: renders what the background says and sends it intents. It never sees the session token. */
export function App() {
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const [member, setMember] = useState<Member | null>(null);
  const [serverUrl, setServerUrl] = useState('');
  const [list, setList] = useState<ListState>({ state: 'loading' });
  const [filter, setFilter] = useState<ListFilter>({ search: '', platform: '' });
  const [activePlatform, setActivePlatform] = useState<Platform | null>(null);

  // Every intent goes through here: a session the server ended sends the person back to the sign-in form.
  const askHere: Ask = async (type, payload) => {
    const reply = await ask(type, payload);
    if (!reply.ok && reply.problem.code === 'unauthorized' && type !== 'session.signIn') {
      setMember(null);
      setScreen({ name: 'signIn', notice: problemText(reply.problem) });
    }
    return reply;
  };

  async function loadAccounts() {
    setList({ state: 'loading' });
    // The tab the popup was opened on (activeTab): its platform's accounts come first.
    void ask('tab.platform', {}).then((reply) => setActivePlatform(reply.ok ? reply.data.platform : null));
    const reply = await askHere('accounts.list', {});
    mark(listMarks.data);
    setList(reply.ok ? { state: 'ready', ...reply.data } : { state: 'error', problem: reply.problem });
  }

  function signedIn(who: Member, url: string, pendingAccountId: string | null = null) {
    setMember(who);
    setServerUrl(url);
    void loadAccounts();
    if (!pendingAccountId) {
      setScreen({ name: 'accounts' });
      return void openCodeStep();
    }
    // A sign-in still waits for its SMS code (the popup closed meanwhile): straight back to its code entry.
    askHere('account.get', { accountId: pendingAccountId }).then((reply) =>
      setScreen((now) =>
        now.name !== 'loading'
          ? now
          : reply.ok
            ? { name: 'account', account: reply.data.account }
            : { name: 'accounts' },
      ),
    );
  }

  /** Opened again on the platform's code step after a fill: straight to that account's code screen. */
  async function openCodeStep() {
    const status = await ask('page.status', {});
    if (!status.ok || status.data.page?.step !== 'code' || !status.data.accountId) return;
    const { platform } = status.data.page;
    if (platform === 'other') return;
    const reply = await askHere('account.get', { accountId: status.data.accountId });
    if (!reply.ok || reply.data.account.platform !== platform) return;
    const account = { ...reply.data.account, platform };
    setScreen((now) => (now.name === 'accounts' ? { name: 'codeStep', account } : now));
  }

  useEffect(() => {
    ask('session.get', {}).then((reply) => {
      if (reply.ok && reply.data.member)
        return signedIn(reply.data.member, reply.data.serverUrl, reply.data.pendingAccountId);
      if (!reply.ok) return setScreen({ name: 'signIn', notice: problemText(reply.problem) });
      setServerUrl(reply.data.serverUrl);
      // First run: a server without a team offers setting it up instead of a sign-in nobody can pass.
      ask('server.check', { serverUrl: reply.data.serverUrl }).then((check) =>
        setScreen((now) =>
          now.name !== 'loading' ? now : check.ok && !check.data.setUp ? { name: 'setUp' } : { name: 'signIn' },
        ),
      );
    });
  }, []);

  async function signOut() {
    await ask('session.signOut', {});
    setMember(null);
    setList({ state: 'loading' });
    setFilter({ search: '', platform: '' });
    setScreen({ name: 'signIn', notice: 'You are signed out.' });
  }

  function accountChanged(account: Account) {
    if (list.state === 'ready')
      setList({ ...list, accounts: list.accounts.map((each) => (each.id === account.id ? account : each)) });
    setScreen({ name: 'account', account });
  }

  return (
    <main>
      <header class="bar">
        <h1>Twostep</h1>
        {member && (
          <>
            <span class="who" title={`${member.email} on ${serverUrl}`}>
              {member.name} · {member.role}
            </span>
            {member.role !== 'member' && (
              <button type="button" class="link" onClick={() => browser.runtime.openOptionsPage()}>
                Dashboard
              </button>
            )}
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </>
        )}
      </header>
      {screen.name === 'loading' && <p class="meta">Loading…</p>}
      {screen.name === 'signIn' && (
        <SignInForm
          ask={askHere}
          serverUrl={serverUrl}
          notice={screen.notice}
          onSignedIn={signedIn}
          onInvite={() => setScreen({ name: 'invite' })}
          onSetUp={(url) => {
            setServerUrl(url);
            setScreen({ name: 'setUp' });
          }}
        />
      )}
      {screen.name === 'setUp' && (
        <SetUpForm
          ask={askHere}
          serverUrl={serverUrl}
          onSignedIn={signedIn}
          onSignIn={() => setScreen({ name: 'signIn' })}
        />
      )}
      {screen.name === 'invite' && (
        <InviteForm
          ask={askHere}
          serverUrl={serverUrl}
          onSignedIn={signedIn}
          onBack={() => setScreen({ name: 'signIn' })}
        />
      )}
      {screen.name === 'accounts' && member && (
        <>
          {list.state === 'loading' && <p class="meta">Loading accounts…</p>}
          {list.state === 'error' && (
            <div class="stack">
              <p class="error" role="alert">
                {problemText(list.problem)}
              </p>
              <button type="button" onClick={loadAccounts}>
                Try again
              </button>
            </div>
          )}
          {list.state === 'ready' && (
            <AccountList
              accounts={list.accounts}
              complete={list.complete}
              role={member.role}
              activePlatform={activePlatform}
              filter={filter}
              onFilter={setFilter}
              onOpen={(account) => setScreen({ name: 'account', account })}
            />
          )}
        </>
      )}
      {screen.name === 'account' && member && (
        <AccountDetail
          ask={askHere}
          role={member.role}
          account={screen.account}
          onBack={() => setScreen({ name: 'accounts' })}
          onAccountChanged={accountChanged}
          onCodeStep={() => {
            const { account } = screen;
            if (account.platform !== 'other')
              setScreen({ name: 'codeStep', account: { ...account, platform: account.platform } });
          }}
        />
      )}
      {screen.name === 'codeStep' && member && (
        <CodeStep
          key={screen.account.id}
          ask={askHere}
          account={screen.account}
          onOpenAccount={() => setScreen({ name: 'account', account: screen.account })}
          onBack={() => setScreen({ name: 'accounts' })}
        />
      )}
    </main>
  );
}
