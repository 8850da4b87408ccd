import { useEffect, useRef } from 'preact/hooks';
import { codeFromText, typedDigits } from './code-input.ts';

export const codeLength = 6;

type Props = {
  digits: string[];
  /** `sure` is false when the digits came from text in which the code was not clear: then no auto-submit. */
  onChange: (digits: string[], sure?: boolean) => void;
  disabled?: boolean;
  labelledBy: string;
  /** Bumped by the parent to put the focus back on the first box (after a wrong code). */
  focusKey: number;
};

/**
 * Six single-digit boxes. Typing moves forward, Backspace moves back, a pasted or autofilled code
 * (`autocomplete="one-time-code"`) fills all boxes at once.
 */
export function CodeBoxes({ digits, onChange, disabled, labelledBy, focusKey }: Props) {
  const boxes = useRef<(HTMLInputElement | null)[]>([]);
  const focusBox = (index: number) => boxes.current[Math.max(0, Math.min(index, codeLength - 1))]?.focus();

  useEffect(() => {
    const firstEmpty = digits.indexOf('');
    if (!disabled) focusBox(firstEmpty === -1 ? 0 : firstEmpty);
    // Only when asked: not on every keystroke.
  }, [focusKey, disabled]);

  function fill(from: number, text: string) {
    const { digits: incoming, sure } = codeFromText(text);
    if (!incoming) return;
    // A whole code fills from the first box, wherever it was pasted.
    const start = incoming.length >= codeLength ? 0 : from;
    const next = [...digits];
    for (const [offset, digit] of [...incoming.slice(0, codeLength - start)].entries()) next[start + offset] = digit;
    onChange(next, sure);
    focusBox(start + incoming.length);
  }

  function onInput(index: number, event: InputEvent, input: HTMLInputElement) {
    const value = typedDigits(input.value, event.inputType, event.data);
    if (value.length > 1) return fill(index, input.value);
    const next = [...digits];
    next[index] = value;
    input.value = value; // a typed letter is dropped at once
    onChange(next);
    if (value) focusBox(index + 1);
  }

  function onKeyDown(index: number, event: KeyboardEvent) {
    if (event.key === 'Backspace' && !digits[index] && index > 0) {
      event.preventDefault();
      const next = [...digits];
      next[index - 1] = '';
      onChange(next);
      focusBox(index - 1);
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault();
      focusBox(index - 1);
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      focusBox(index + 1);
    }
  }

  return (
    <fieldset class="code-boxes" aria-labelledby={labelledBy}>
      {digits.map((digit, index) => (
        <input
          key={index}
          ref={(element) => {
            boxes.current[index] = element;
          }}
          class="code-box"
          type="text"
          inputmode="numeric"
          pattern="[0-9]*"
          autocomplete={index === 0 ? 'one-time-code' : 'off'}
          aria-label={`Digit ${index + 1} of ${codeLength}`}
          value={digit}
          disabled={disabled}
          onInput={(e) => onInput(index, e as unknown as InputEvent, e.currentTarget)}
          onKeyDown={(e) => onKeyDown(index, e)}
          onPaste={(e) => {
            e.preventDefault();
            fill(index, e.clipboardData?.getData('text') ?? '');
          }}
          onFocus={(e) => e.currentTarget.select()}
        />
      ))}
    </fieldset>
  );
}
