import type { Account } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { BackupCodesView } from '@/messages/account-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { maxBackupCodes, parseBackupCodes } from '@/views/backup-code-parse.ts';
import { platformLabels } from '@/views/format.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';

type Props = { ask: Ask; account: Account; onSaved: (codes: BackupCodesView) => void; onCancel: () => void };

/** Replaces the stored backup codes with a pasted list, shown as read before anything is saved. */
export function ReplaceCodesPanel({ ask, account, onSaved, onCancel }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const areaRef = useFocusOnMount<HTMLTextAreaElement>();
  const errorRef = useRef<HTMLParagraphElement>(null);
  const { codes, ignored } = parseBackupCodes(text);
  const tooMany = codes.length > maxBackupCodes;

  async function save(event: Event) {
    event.preventDefault();
    if (busy || codes.length === 0 || tooMany) return;
    setBusy(true);
    setError(null);
    const reply = await ask('backupCodes.replace', { accountId: account.id, codes });
    setBusy(false);
    if (reply.ok) return onSaved(reply.data);
    setError(problemText(reply.problem));
    setTimeout(() => errorRef.current?.focus());
  }

  return (
    <form class="stack panel" onSubmit={save} aria-labelledby="replace-title">
      <h3 id="replace-title">Store new backup codes</h3>
      <label for="replace-codes">
        Paste the codes {platformLabels[account.platform]} gave you (any layout: lines, commas, spaces)
      </label>
      <textarea
        id="replace-codes"
        ref={areaRef}
        rows={4}
        spellcheck={false}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        aria-describedby="replace-preview"
      />
      <div id="replace-preview" class="preview" aria-live="polite">
        {codes.length === 0 ? (
          <p class="meta">{text.trim() ? 'No codes found in this text yet.' : 'The codes read appear here.'}</p>
        ) : (
          <>
            <p>
              {codes.length} code{codes.length === 1 ? '' : 's'} read
              {account.backupCodes.total > 0 ? `; they replace the ${account.backupCodes.total} stored` : ''}:
            </p>
            <ol class="parsed-codes">
              {codes.map((code) => (
                <li key={code}>
                  <code>{code}</code>
                </li>
              ))}
            </ol>
          </>
        )}
        {ignored.length > 0 && <p class="meta">Not read as codes: {ignored.join(' ')}</p>}
        {tooMany && <p class="error">At most {maxBackupCodes} codes can be stored.</p>}
      </div>
      {error && (
        <p class="error" role="alert" ref={errorRef} tabIndex={-1}>
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" aria-disabled={busy || codes.length === 0 || tooMany}>
          {busy ? 'Saving…' : `Save ${codes.length} code${codes.length === 1 ? '' : 's'}`}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
