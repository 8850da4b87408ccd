import type { Account, Role } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { PhoneOption } from '@/messages/account-intents.ts';
import type { Ask, ChallengeView } from '@/messages/intents.ts';
import { Field, fieldErrors } from '@/views/field.tsx';
import { platformLabels } from '@/views/format.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';
import { PhonePicker } from './phone-picker.tsx';

type Props = {
  ask: Ask;
  account: Account;
  role: Role;
  onSent: (view: ChallengeView, holder: string | null) => void;
  onCancel: () => void;
};

const numberCodes = {
  invalid_phone: 'number',
  number_in_use_on_platform: 'number',
  two_step_already_on: 'number',
  sms_country_not_allowed: 'number',
  duplicate_phone: 'number',
};

/** Protect with a number, or move two-step to another one: a team phone (leads) or a typed number. */
export function ProtectForm({ ask, account, role, onSent, onCancel }: Props) {
  const changing = account.twoStep.status === 'on';
  const [phone, setPhone] = useState<PhoneOption | null>(null);
  const [number, setNumber] = useState('');
  const [country, setCountry] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const numberRef = useRef<HTMLInputElement>(null);
  const lead = role !== 'member';

  async function send(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!phone && !number.trim()) {
      setErrors({ number: lead ? 'Pick a team phone or type a number.' : 'Type the phone number.' });
      return numberRef.current?.focus();
    }
    setBusy(true);
    setErrors({});
    setError(null);
    const choice = phone ? { phoneId: phone.id } : { number, ...(country.trim() ? { country: country.trim() } : {}) };
    const reply = await ask('twoStep.start', { accountId: account.id, ...choice });
    setBusy(false);
    if (reply.ok) return onSent(reply.data, phone?.holder?.name ?? null);
    const byField = fieldErrors(reply.problem, numberCodes);
    setErrors(byField);
    if (byField.number || byField.country) numberRef.current?.focus();
    else setError(problemText(reply.problem));
  }

  return (
    <form class="stack panel" onSubmit={send} aria-labelledby="protect-title">
      <h3 id="protect-title" ref={titleRef} tabIndex={-1}>
        {changing ? 'Change the number' : 'Protect with a number'}
      </h3>
      <p class="meta">
        A code goes to the new phone; entering it {changing ? 'moves' : 'turns on'} two-step.
        {changing && ' The current number keeps protecting the account until then, and is told of the change.'}
        {` ${platformLabels[account.platform]} allows one account per number.`}
      </p>
      {lead && <PhonePicker ask={ask} account={account} chosen={phone?.id ?? null} onChoose={setPhone} />}
      <Field
        id="protect-number"
        label={lead ? 'Or a new number' : 'Phone number'}
        type="tel"
        inputmode="tel"
        autocomplete="off"
        placeholder="+49 151 23456789"
        value={phone ? '' : number}
        onValue={(value) => {
          setNumber(value);
          if (value) setPhone(null);
        }}
        inputRef={numberRef}
        error={errors.number}
      />
      <Field
        id="protect-country"
        label="Country (only for a number without +)"
        placeholder="DE"
        value={country}
        onValue={setCountry}
        error={errors.country}
        autocomplete="country"
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" aria-disabled={busy}>
          {busy ? 'Sending code…' : 'Send code to this phone'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
