/** Every error code the API can answer, with the HTTP status it comes with. */
export const errorStatus = {
  invalid_request: 400,
  invalid_phone: 400,
  code_invalid: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  unlock_required: 403,
  sms_country_not_allowed: 403,
  not_found: 404,
  already_set_up: 409,
  not_set_up: 409,
  duplicate_account: 409,
  duplicate_phone: 409,
  duplicate_member: 409,
  phone_in_use: 409,
  number_in_use_on_platform: 409,
  two_step_off: 409,
  two_step_already_on: 409,
  challenge_used: 409,
  no_backup_codes: 409,
  last_owner: 409,
  invite_invalid: 410,
  challenge_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // Refused by the HTTP parser itself, before any route (server/src/client-error.ts).
  request_timeout: 408,
  headers_too_large: 431,
  challenge_locked: 423,
  account_locked: 423,
  too_many_attempts: 429,
  rate_limited: 429,
  resend_too_soon: 429,
  resend_limit: 429,
  internal_error: 500,
  // A stored value sealed under a secret this server does not hold (TWOSTEP_SECRET_PREVIOUS unset too early).
  secret_unreadable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type ApiErrorBody = {
  error: { code: ErrorCode; message: string; [detail: string]: unknown };
};
