/** A provider's look-up that could not tell: `status` is its HTTP answer, null when none came (network, time-out). */
export class LookupError extends Error {
  constructor(readonly status: number | null) {
    super(status === null ? 'lookup_unreachable' : `lookup_${status}`);
    this.name = 'LookupError';
  }

  /** A refusal that will not change on its own (401, 403, 404): waiting for it would never send the message. */
  get final(): boolean {
    return this.status !== null && this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}
