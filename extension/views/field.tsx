import type { Ref } from 'preact';
import type { Problem } from '@/messages/problem.ts';
import { problemText } from './problem-text.ts';

/** The server's complaint about each field of a refused request (400 invalid_request names them), by field. */
export function fieldErrors(
  problem: Problem,
  fieldOfCode: Partial<Record<string, string>> = {},
): Record<string, string> {
  const errors: Record<string, string> = {};
  const issues = Array.isArray(problem.details.issues) ? problem.details.issues : [];
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    const path = typeof issue.path === 'string' ? issue.path.split('.')[0]! : '';
    if (path && typeof issue.message === 'string') errors[path] ??= issue.message;
  }
  const field = fieldOfCode[problem.code];
  if (field) errors[field] = problemText(problem);
  return errors;
}

type Props = {
  id: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'tel' | 'search';
  autocomplete?: string;
  inputmode?: 'text' | 'tel' | 'url' | 'email' | 'numeric';
  placeholder?: string;
  required?: boolean;
  spellcheck?: boolean;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
};

/** A labelled input whose error (the server's words) sits under it and is what a screen reader hears next. */
export function Field({ id, label, error, hint, inputRef, value, onValue, type = 'text', ...input }: Props) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        type={type as 'text'}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} class="meta">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
