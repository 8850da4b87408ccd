import { newTally, type Tally } from './load-mix.ts';

export type Step = {
  opsPerSecond: number;
  seconds: number;
  tally: Tally;
  started: number;
  saturated: boolean;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server process's CPU time over the step's wall time (100 = one core). */
  serverCpuPercent: number;
};

/** The most operations in flight at once; a step that needs more is one the server does not keep up with. */
const maxInFlight = 48;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
};

/** Starts `opsPerSecond` operations a second on schedule (open loop) for `seconds`, then waits for the last. */
export async function runAtRate(
  operation: (tally: Tally) => Promise<void>,
  opsPerSecond: number,
  seconds: number,
  cpuMs: () => number = () => 0,
): Promise<Step> {
  const tally = newTally();
  const cpuBefore = cpuMs();
  const inFlight = new Set<Promise<void>>();
  const begin = performance.now();
  let started = 0;
  let saturated = false;
  for (;;) {
    const elapsed = performance.now() - begin;
    if (elapsed >= seconds * 1000) break;
    const due = Math.floor((elapsed / 1000) * opsPerSecond);
    while (started < due) {
      if (inFlight.size >= maxInFlight) {
        saturated = true;
        break;
      }
      started++;
      const op: Promise<void> = operation(tally).finally(() => inFlight.delete(op));
      inFlight.add(op);
    }
    await sleep(5);
  }
  await Promise.all(inFlight);
  const took = (performance.now() - begin) / 1000;
  return {
    opsPerSecond,
    seconds,
    tally,
    started,
    saturated: saturated || started < 0.95 * opsPerSecond * seconds,
    requestsPerSecond: Math.round(tally.requests / took),
    p50: Math.round(percentile(tally.latencies, 50)),
    p99: Math.round(percentile(tally.latencies, 99)),
    serverCpuPercent: Math.round(((cpuMs() - cpuBefore) / (took * 1000)) * 100),
  };
}

/** Sustained: every answer right, none waited on a full queue, the slowest 1 % under a second. */
export const sustained = (step: Step) => step.tally.errors.length === 0 && !step.saturated && step.p99 < 1_000;

/**
 * Steps the rate up by half each time from `from` until a step is not sustained: the last one that was. When even
 * the first is not, halves it (to at least 1 operation a second) until one is.
 */
export async function highestSustainedRate(
  operation: (tally: Tally) => Promise<void>,
  options: { from: number; stepSeconds: number; maxSteps: number; cpuMs?: () => number },
): Promise<{ steps: Step[]; rate: number }> {
  const steps: Step[] = [];
  let rate = options.from;
  let best = 0;
  for (let i = 0; i < options.maxSteps; i++) {
    const step = await runAtRate(operation, rate, options.stepSeconds, options.cpuMs);
    steps.push(step);
    if (sustained(step)) {
      best = rate;
      rate = Math.round(rate * 1.5);
    } else if (best > 0 || rate <= 1) break;
    else rate = Math.max(1, Math.floor(rate / 2));
  }
  return { steps, rate: best };
}
