import type { ComponentProps } from 'preact';
import { useState } from 'preact/hooks';
import type { Reply } from '@/messages/intents.ts';
import { Field } from '@/views/field.tsx';
import { useFocusOnMount } from '@/views/hooks.ts';
import { useSignInForm } from './use-form.ts';

type FieldProps = ComponentProps<typeof Field>;
/** One field of the form: its name in the request, and how the input looks. */
export type FieldSpec = { name: string } & Omit<FieldProps, 'id' | 'value' | 'onValue' | 'inputRef' | 'error'>;

type Props = {
  /** Prefix of the fields' ids and of the heading's. */
  id: string;
  title: string;
  intro?: string;
  /** The fields after Server, in order; the first takes the focus. */
  fields: FieldSpec[];
  serverUrl: string;
  /** Which field an error code belongs to, beyond the server URL's own (unreachable, timeout, not Twostep). */
  fieldOfCode?: Record<string, string>;
  submit: { label: string; busy: string };
  send: (values: Record<string, string>) => Promise<Reply<'session.setUp'> | Reply<'session.acceptInvite'>>;
  onSignedIn: Parameters<typeof useSignInForm>[2];
  other: { label: string; onClick: () => void };
};

const serverCodes = { unreachable: 'serverUrl', timeout: 'serverUrl', not_twostep: 'serverUrl' };
const fieldId = (prefix: string, name: string) => `${prefix}-${name === 'serverUrl' ? 'server' : name}`;

/** A form that ends signed in (set-up, invite): a server, the fields, each error at its field. */
export function JoinForm({ id, title, intro, fields, serverUrl, fieldOfCode, submit, send, onSignedIn, other }: Props) {
  const names = ['serverUrl', ...fields.map((field) => field.name)];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((name) => [name, name === 'serverUrl' ? serverUrl : ''])),
  );
  const form = useSignInForm(names, { ...serverCodes, ...fieldOfCode }, onSignedIn);
  const firstRef = useFocusOnMount<HTMLInputElement>();
  const specs: FieldSpec[] = [
    { name: 'serverUrl', label: 'Server', spellcheck: false, inputmode: 'url', required: true },
    ...fields,
  ];

  return (
    <form
      class="stack"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void form.send(() => send(values));
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {intro && <p class="meta">{intro}</p>}
      {specs.map(({ name, ...input }, index) => (
        <Field
          key={name}
          {...input}
          id={fieldId(id, name)}
          value={values[name] ?? ''}
          onValue={(value) => setValues((now) => ({ ...now, [name]: value }))}
          inputRef={(element) => {
            if (index === 1) firstRef.current = element;
            form.ref(name)(element);
          }}
          error={form.errors[name]}
        />
      ))}
      {form.error && (
        <p class="error" role="alert">
          {form.error}
        </p>
      )}
      <button type="submit" class="primary" aria-disabled={form.busy}>
        {form.busy ? submit.busy : submit.label}
      </button>
      <button type="button" class="link" onClick={other.onClick}>
        {other.label}
      </button>
    </form>
  );
}
