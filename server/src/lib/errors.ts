import { type ApiErrorBody, type ErrorCode, errorStatus } from '@twostep/shared';

/** An outcome the client must hear about, in the contract's error shape. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = errorStatus[code];
  }

  body(): ApiErrorBody {
    return { error: { ...this.details, code: this.code, message: this.message } };
  }
}

export const notFound = (what = 'That') => new ApiError('not_found', `${what} does not exist.`);

export function tooMany(code: ErrorCode, message: string, retryAfterMs: number, details: Record<string, unknown> = {}) {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(code, message, { ...details, retryAfter: seconds }, { 'Retry-After': String(seconds) });
}
