import type { Account, Role } from '@twostep/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ask, ChallengeView } from '@/messages/intents.ts';
import { CodeEntry } from '@/views/code-entry.tsx';
import { backupCodesText, platformLabels } from '@/views/format.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';
import { TwoStepBadge } from '@/views/two-step-badge.tsx';
import { AccountActions } from './account-actions.tsx';
import { Credentials } from './credentials.tsx';
import { FillLogin } from './fill-login.tsx';

type Flow =
  | { step: 'checking' }
  | { step: 'idle'; error?: string; moveFocus?: boolean }
  | { step: 'starting' }
  | ({ step: 'code' } & ChallengeView)
  | { step: 'unlocked'; until: string };

type Props = {
  ask: Ask;
  account: Account;
  role: Role;
  onBack: () => void;
  onAccountChanged: (account: Account) => void;
  /** The active tab is this account's platform asking for its code: the code step screen takes it. */
  onCodeStep?: () => void;
};

const offText = problemText({ code: 'two_step_off', message: '', status: 409, details: {} });
const pendingText =
  'Two-step is being set up: the code sent to the phone has not been entered yet. You can sign in here once it is on.';

export function AccountDetail({ ask, account, role, onBack, onAccountChanged, onCodeStep }: Props) {
  const [flow, setFlow] = useState<Flow>({ step: 'checking' });
  const [resume, setResume] = useState<ChallengeView | null>(null);
  const [acting, setActing] = useState(false);
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const messageRef = useRef<HTMLParagraphElement>(null);
  const phone = account.twoStep.phone;
  const moveFocus = flow.step === 'idle' && flow.moveFocus === true;

  useEffect(() => {
    if (moveFocus && document.activeElement?.tagName !== 'BUTTON') messageRef.current?.focus();
  }, [moveFocus, account.twoStep.status]);

  async function checkUnlock(fallback: Flow) {
    const reply = await ask('unlock.status', { accountId: account.id });
    const pending = reply.ok ? reply.data.pending : null;
    // A code entry of another kind (protect, change, turn off) goes back to the actions below.
    if (pending && pending.challenge.purpose !== 'unlock') setResume(pending);
    if (reply.ok && reply.data.unlockedUntil) setFlow({ step: 'unlocked', until: reply.data.unlockedUntil });
    // A sign-in whose SMS was sent before the popup closed: its code entry again, not a second SMS.
    else if (pending && pending.challenge.purpose === 'unlock') setFlow({ step: 'code', ...pending });
    else setFlow(reply.ok ? fallback : { step: 'idle', error: problemText(reply.problem) });
  }

  useEffect(() => {
    void checkUnlock({ step: 'idle' });
  }, [account.id]);

  async function start() {
    if (flow.step === 'starting') return;
    setFlow({ step: 'starting' });
    const reply = await ask('unlock.start', { accountId: account.id });
    if (reply.ok) return setFlow({ step: 'code', ...reply.data });
    // The Sign in button may go (two-step is off): the focus goes to the message, not to <body>.
    setFlow({ step: 'idle', error: problemText(reply.problem), moveFocus: true });
    // Two-step went off since the list was loaded: show the account as it is now.
    if (reply.problem.code === 'two_step_off') await refresh();
  }

  async function refresh() {
    const reply = await ask('account.get', { accountId: account.id });
    if (reply.ok) onAccountChanged(reply.data.account);
  }

  return (
    <div class="stack">
      <button type="button" class="link back" onClick={onBack}>
        ← All accounts
      </button>
      <div class="title-row">
        <h2 ref={titleRef} tabIndex={-1}>
          @{account.handle}
        </h2>
        <TwoStepBadge twoStep={account.twoStep} />
      </div>
      <dl class="facts">
        <dt>Platform</dt>
        <dd>{platformLabels[account.platform]}</dd>
        <dt>Client</dt>
        <dd>{account.client ?? '—'}</dd>
        <dt>Phone</dt>
        <dd>{phone ? `${phone.masked}${phone.label ? ` · ${phone.label}` : ''}` : 'None yet'}</dd>
        <dt>Held by</dt>
        <dd>{phone ? (phone.holder?.name ?? 'Not recorded') : '—'}</dd>
        <dt>Backup codes</dt>
        <dd>{backupCodesText(account.backupCodes)}</dd>
      </dl>

      {flow.step === 'checking' && <p class="meta">Checking whether this account is unlocked…</p>}
      {(flow.step === 'idle' || flow.step === 'starting') &&
        !(acting && account.twoStep.status !== 'on') &&
        (account.twoStep.status !== 'on' ? (
          <p class="notice" ref={messageRef} tabIndex={-1}>
            {account.twoStep.status === 'pending' ? pendingText : offText}
          </p>
        ) : (
          <div class="stack">
            <p class="meta">
              Signing in sends a code by SMS to {phone?.masked}
              {phone?.holder ? ` (${phone.holder.name}’s phone)` : ''}; it unlocks this account for you for 15 minutes.
            </p>
            {flow.step === 'idle' && flow.error && (
              <p class="error" role="alert" ref={messageRef} tabIndex={-1}>
                {flow.error}
              </p>
            )}
            <button type="button" class="primary" onClick={start} aria-disabled={flow.step === 'starting'}>
              {flow.step === 'starting' ? 'Sending code…' : 'Sign in'}
            </button>
          </div>
        ))}
      {flow.step === 'code' && (
        <CodeEntry
          key={flow.challenge.id}
          ask={ask}
          challenge={flow.challenge}
          skewMs={flow.skewMs}
          holder={phone?.holder?.name ?? null}
          onVerified={(changed) => {
            onAccountChanged(changed);
            void checkUnlock({ step: 'idle', error: 'The account was unlocked, but it is locked again already.' });
          }}
          onRestart={start}
        />
      )}
      {flow.step === 'unlocked' && (
        <Credentials
          ask={ask}
          accountId={account.id}
          loginName={account.loginName}
          unlockedUntil={flow.until}
          onLocked={() => setFlow({ step: 'idle', error: 'The unlock has ended. Sign in again with a new code.' })}
        >
          {account.platform !== 'other' && (
            <FillLogin
              ask={ask}
              account={{ ...account, platform: account.platform }}
              onLocked={() => setFlow({ step: 'idle', error: 'The unlock has ended. Sign in again with a new code.' })}
              onCodeStep={() => onCodeStep?.()}
            />
          )}
        </Credentials>
      )}
      {flow.step !== 'checking' && (
        <AccountActions
          key={`${account.id}-${resume?.challenge.id ?? ''}`}
          ask={ask}
          account={account}
          role={role}
          unlocked={flow.step === 'unlocked'}
          resume={resume}
          onAccountChanged={onAccountChanged}
          onBusy={setActing}
        />
      )}
    </div>
  );
}
