import type { Account, Role } from '@twostep/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ask, ChallengeView } from '@/messages/intents.ts';
import { CodeEntry } from '@/views/code-entry.tsx';
import { platformLabels } from '@/views/format.ts';
import { PasswordPanel } from './password-panel.tsx';
import { ProtectForm } from './protect-form.tsx';
import { ReplaceCodesPanel } from './replace-codes-panel.tsx';
import { RevealPanel } from './reveal-panel.tsx';
import { TurnOffPanel } from './turn-off-panel.tsx';

export type ActionMode =
  | { kind: 'menu' }
  | { kind: 'protect' }
  | ({ kind: 'code'; holder: string | null } & ChallengeView)
  | { kind: 'turnOff' }
  | { kind: 'reveal' }
  | { kind: 'replace' }
  | { kind: 'password' };

type Props = {
  ask: Ask;
  account: Account;
  role: Role;
  unlocked: boolean;
  /** A code entry of this account's that waited while the popup was closed (enroll, change, disable). */
  resume: ChallengeView | null;
  onAccountChanged: (account: Account) => void;
  /** While an action runs, the detail hides its own sign-in part, so one thing at a time is on screen. */
  onBusy: (busy: boolean) => void;
};

type Done = { text: string; askForCodes?: boolean };

/** What a member or lead does with an account: protect, change number, turn off, backup codes, password. */
export function AccountActions({ ask, account, role, unlocked, resume, onAccountChanged, onBusy }: Props) {
  const [mode, setMode] = useState<ActionMode>(resume ? { kind: 'code', holder: null, ...resume } : { kind: 'menu' });
  const [done, setDone] = useState<Done | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const lead = role !== 'member';
  const mayWrite = lead || unlocked;
  const status = account.twoStep.status;
  const name = `@${account.handle}`;

  useEffect(() => onBusy(mode.kind !== 'menu'), [mode.kind]);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  function finish(next: Done | null, changed?: Account) {
    if (changed) onAccountChanged(changed);
    setDone(next);
    setMode({ kind: 'menu' });
  }

  function verified(changed: Account, purpose: ChallengeView['challenge']['purpose']) {
    const phone = changed.twoStep.phone;
    const holder = phone?.holder ? `, held by ${phone.holder.name}` : ' (whose phone is not recorded yet)';
    if (purpose === 'disable')
      return finish(
        { text: `Two-step is off for ${name}. Its password alone now opens it: turn it on again soon.` },
        changed,
      );
    finish(
      {
        text: `Two-step is on for ${name}: codes go to ${phone?.masked ?? 'the new phone'}${holder}. ${platformLabels[account.platform]} usually gives new backup codes now: store them here.`,
        askForCodes: true,
      },
      changed,
    );
  }

  if (mode.kind === 'protect')
    return (
      <ProtectForm
        ask={ask}
        account={account}
        role={role}
        onSent={(view, holder) => {
          setMode({ kind: 'code', holder, ...view });
          // An enrollment waiting for its code makes the account Pending: shown as the server now sees it.
          if (view.challenge.purpose === 'enroll')
            void ask('account.get', { accountId: account.id }).then(
              (reply) => reply.ok && onAccountChanged(reply.data.account),
            );
        }}
        onCancel={() => finish(null)}
      />
    );
  if (mode.kind === 'code')
    return (
      <div class="stack panel">
        <h3>
          {mode.challenge.purpose === 'disable'
            ? 'Turn two-step off'
            : status === 'on' && mode.challenge.purpose === 'change_number'
              ? 'Change the number'
              : 'Protect with a number'}
        </h3>
        <CodeEntry
          key={mode.challenge.id}
          ask={ask}
          challenge={mode.challenge}
          skewMs={mode.skewMs}
          holder={mode.holder}
          onVerified={(changed) => verified(changed, mode.challenge.purpose)}
          onRestart={() => setMode(mode.challenge.purpose === 'disable' ? { kind: 'turnOff' } : { kind: 'protect' })}
        />
        <button type="button" class="link" onClick={() => finish(null)}>
          Cancel
        </button>
      </div>
    );
  if (mode.kind === 'turnOff')
    return (
      <TurnOffPanel
        ask={ask}
        account={account}
        role={role}
        onSent={(view) => setMode({ kind: 'code', holder: account.twoStep.phone?.holder?.name ?? null, ...view })}
        onForced={(changed) =>
          finish({ text: `Two-step was forced off for ${name}. The reason is in the audit trail.` }, changed)
        }
        onCancel={() => finish(null)}
      />
    );
  if (mode.kind === 'reveal')
    return (
      <RevealPanel
        ask={ask}
        account={account}
        onRevealed={(remaining) => onAccountChanged({ ...account, backupCodes: { ...account.backupCodes, remaining } })}
        onClose={() => finish(null)}
      />
    );
  if (mode.kind === 'replace')
    return (
      <ReplaceCodesPanel
        ask={ask}
        account={account}
        onSaved={({ remaining, total }) =>
          finish(
            { text: `${total} backup code${total === 1 ? '' : 's'} stored for ${name}.` },
            { ...account, backupCodes: { remaining, total } },
          )
        }
        onCancel={() => finish(null)}
      />
    );
  if (mode.kind === 'password')
    return (
      <PasswordPanel
        ask={ask}
        accountId={account.id}
        onSaved={() => finish({ text: `The password of ${name} is stored.` })}
        onCancel={() => finish(null)}
      />
    );

  return (
    <section class="stack actions-menu" aria-labelledby="actions-title">
      <h3 id="actions-title">Manage</h3>
      {done && (
        <div class="notice stack" role="status" ref={doneRef} tabIndex={-1}>
          <p>{done.text}</p>
          {done.askForCodes && mayWrite && (
            <button type="button" class="primary" onClick={() => setMode({ kind: 'replace' })}>
              Store new backup codes
            </button>
          )}
        </div>
      )}
      <div class="actions">
        {status !== 'on' && (
          <button type="button" class={done ? '' : 'primary'} onClick={() => setMode({ kind: 'protect' })}>
            Protect with a number
          </button>
        )}
        {status === 'on' && mayWrite && (
          <button type="button" onClick={() => setMode({ kind: 'protect' })}>
            Change number
          </button>
        )}
        {status === 'on' && (
          <button type="button" onClick={() => setMode({ kind: 'turnOff' })}>
            Turn off…
          </button>
        )}
        {unlocked && account.backupCodes.remaining > 0 && (
          <button type="button" onClick={() => setMode({ kind: 'reveal' })}>
            Reveal a backup code
          </button>
        )}
        {mayWrite && (
          <button type="button" onClick={() => setMode({ kind: 'replace' })}>
            Replace backup codes
          </button>
        )}
        {mayWrite && (
          <button type="button" onClick={() => setMode({ kind: 'password' })}>
            Set password
          </button>
        )}
      </div>
      {!unlocked && status === 'on' && (
        <p class="meta">
          {lead
            ? 'Sign in to this account (a code to its phone) to reveal a backup code.'
            : 'Sign in to this account first (a code to its phone) to change its number, reveal or store backup codes, or store its password.'}
        </p>
      )}
    </section>
  );
}
