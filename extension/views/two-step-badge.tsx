import type { Account } from '@twostep/shared';
import { twoStepBadge } from './format.ts';

const titles = {
  on: 'Two-step is on',
  pending: 'Two-step is being set up: the code has not been entered yet',
  off: 'Two-step is off',
} as const;

export function TwoStepBadge({ twoStep }: { twoStep: Account['twoStep'] }) {
  return (
    <span class={`badge badge-${twoStep.status}`} title={titles[twoStep.status]}>
      {twoStepBadge(twoStep)}
    </span>
  );
}
