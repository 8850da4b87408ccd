import { appendFileSync } from 'node:fs';

/**
 * Prints a proof's figures on one line and, when PROOF_FIGURES names a file (npm run test:proof), appends them
 * there as one JSON line for the table at the end.
 */
export function reportFigure(proof: string, figures: Record<string, number | string>): void {
  console.log(
    `[proof] ${proof}: ${Object.entries(figures)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  );
  const file = process.env.PROOF_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ proof, figures })}\n`);
}
