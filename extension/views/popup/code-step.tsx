import type { Account } from '@twostep/shared';
import { useState } from 'preact/hooks';
import type { FillKind } from '@/background/page-bridge-types.ts';
import type { Ask } from '@/messages/intents.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import { CodeBoxes, codeLength } from '@/views/code-boxes.tsx';
import { signInPlace } from '@/views/page-text.ts';
import { problemText } from '@/views/problem-text.ts';
import { TwoStepBadge } from '@/views/two-step-badge.tsx';
import { RevealPanel } from './reveal-panel.tsx';

type Props = {
  ask: Ask;
  account: Account & { platform: PagePlatform };
  onOpenAccount: () => void;
  onBack: () => void;
};

type Message = { kind: 'error' | 'info'; text: string };

const emptyDigits = () => Array<string>(codeLength).fill('');

/**
 * The platform's own code step, when the popup is opened again on it: the code the member types (or a revealed
 * backup code) is filled into that page's top frame and sent. The popup checks nothing of the code: the platform does.
 */
export function CodeStep({ ask, account, onOpenAccount, onBack }: Props) {
  const [digits, setDigits] = useState(emptyDigits);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [focusKey, setFocusKey] = useState(0);
  const [revealing, setRevealing] = useState(false);
  const [done, setDone] = useState(false);
  const { name } = signInPlace(account.platform);
  const phone = account.twoStep.phone;
  const holder = phone?.holder?.name;

  /** Fills the code into the page; answers what to say (an error keeps the boxes for another try). */
  async function fill(kind: FillKind, code: string): Promise<Message> {
    setBusy(true);
    const reply = await ask('page.fill', { accountId: account.id, kind, code });
    setBusy(false);
    if (!reply.ok) return { kind: 'error', text: problemText(reply.problem) };
    setDone(true);
    return {
      kind: 'info',
      text: `Code filled in on ${name}${reply.data.submitted ? ' and sent' : ': press its Next button'}.`,
    };
  }

  async function fillTyped(code: string) {
    const said = await fill('code', code);
    setMessage(said);
    if (said.kind === 'error') {
      setDigits(emptyDigits());
      setFocusKey((key) => key + 1);
    }
  }

  function change(next: string[], sure = true) {
    setDigits(next);
    setMessage(sure ? null : { kind: 'info', text: `Check the code against ${name}’s SMS, then press Fill code.` });
    if (sure && next.every((digit) => digit !== '') && !busy) void fillTyped(next.join(''));
  }

  return (
    <div class="stack code-step">
      <button type="button" class="link back" onClick={onBack}>
        ← All accounts
      </button>
      <div class="title-row">
        <h2>@{account.handle}</h2>
        <TwoStepBadge twoStep={account.twoStep} />
      </div>
      <p id="code-step-label">
        {name} asks for its code for <strong>@{account.handle}</strong>
        {phone ? (
          <>
            : it went to <strong>{phone.masked}</strong>
            {holder ? `, held by ${holder}` : ''}.
          </>
        ) : (
          '.'
        )}
      </p>
      {!revealing && (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (digits.every((digit) => digit !== '') && !busy) void fillTyped(digits.join(''));
          }}
        >
          <CodeBoxes
            digits={digits}
            onChange={change}
            disabled={busy || done}
            labelledBy="code-step-label"
            focusKey={focusKey}
          />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy || done || digits.some((digit) => digit === '')}>
              {busy ? 'Filling…' : 'Fill code'}
            </button>
            {account.backupCodes.remaining > 0 && !done && (
              <button type="button" onClick={() => setRevealing(true)}>
                Use a backup code
              </button>
            )}
          </div>
        </form>
      )}
      {revealing && (
        <RevealPanel
          ask={ask}
          account={account}
          onRevealed={() => undefined}
          onClose={() => setRevealing(false)}
          fill={{ label: `Fill into ${name}`, run: (code) => fill('backup_code', code) }}
        />
      )}
      {message && (
        <p class={message.kind === 'info' ? 'notice' : 'error'} role={message.kind === 'info' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {message?.kind === 'error' && (
        <button type="button" class="link" onClick={onOpenAccount}>
          Open @{account.handle}
        </button>
      )}
    </div>
  );
}
