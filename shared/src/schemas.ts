import { z } from 'zod';
import { limits } from './limits.ts';
import { isSafeLine, lineText, multiLineText, personName } from './text.ts';
import type { FindingKind, Severity } from './types.ts';

export const roles = ['owner', 'lead', 'member'] as const;
export const platforms = ['instagram', 'facebook', 'tiktok', 'x', 'linkedin', 'youtube', 'other'] as const;
export const twoStepStatuses = ['on', 'pending', 'off'] as const;
export const purposes = ['enroll', 'change_number', 'unlock', 'disable'] as const;

// Every text field refuses control characters (shared/src/text.ts); schemas-text.test.ts walks them all.
const text = lineText;
// A person's name goes into SMS texts ("Give it only to Anna"): letters, marks, digits, spaces, . ' - only.
const name = personName;
const teamName = lineText(100).min(1);
const opaque = z.string().max(200).refine(isSafeLine, 'Not a valid value.');
const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());
/** NIST 800-63B: at least 12 here, long passphrases welcome, nothing else imposed. */
const newPassword = z.string().min(12, 'Use at least 12 characters.').max(256);
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a valid id.');
const opaqueToken = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'Not a valid token.');
const handle = z
  .string()
  .trim()
  .transform((value) => value.replace(/^@+/, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9._-]{1,100}$/, 'A handle is letters, digits, dot, dash or underscore.'));
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'Use a two-letter ISO country code.')
  .transform((value) => value.toUpperCase());
const phoneNumber = z.string().trim().min(3).max(40).refine(isSafeLine, 'Not a phone number.');

export const idParam = z.strictObject({ id });
export const grantParam = z.strictObject({ id, memberId: id });

export const setupBody = z.strictObject({ team: teamName, name, email, password: newPassword });
export const signInBody = z.strictObject({ email, password: z.string().min(1).max(256) });
export const inviteBody = z.strictObject({ email, role: z.enum(['lead', 'member']) });
export const acceptInviteBody = z.strictObject({ token: opaqueToken, name, password: newPassword });
export const memberPatchBody = z.strictObject({ role: z.enum(roles) });

export const accountCreateBody = z.strictObject({
  platform: z.enum(platforms),
  handle,
  client: text(200).optional(),
  loginName: text(254).optional(),
  notes: multiLineText(2000).optional(),
});
export const accountPatchBody = accountCreateBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change.');

const listLimit = z.coerce.number().int().min(1).max(limits.listMax).default(limits.listDefault);
export const accountListQuery = z.strictObject({
  platform: z.enum(platforms).optional(),
  client: text(200).optional(),
  status: z.enum(twoStepStatuses).optional(),
  q: text(200).optional(),
  limit: listLimit,
  cursor: opaque.optional(),
});

export const holderInput = z.union([z.strictObject({ memberId: id }), z.strictObject({ name: name })]);
export const phoneCreateBody = z.strictObject({
  number: phoneNumber,
  country: country.optional(),
  label: text(100).optional(),
  holder: holderInput.nullable().optional(),
});
export const phonePatchBody = z
  .strictObject({ label: text(100).optional(), holder: holderInput.nullable().optional() })
  .refine((body) => Object.keys(body).length > 0, 'Nothing to change.');

export const twoStepBody = z.union([
  z.strictObject({ phoneId: id }),
  z.strictObject({ number: phoneNumber, country: country.optional(), label: text(100).optional() }),
]);
export const disableBody = z.union([
  z.strictObject({}),
  z.strictObject({ force: z.literal(true), reason: text(500).min(3) }),
]);
export const verifyBody = z.strictObject({
  code: z.string().regex(new RegExp(`^\\d{${limits.codeDigits}}$`), 'A code is 6 digits.'),
});
export const secretBody = z.strictObject({
  loginName: text(254).optional(),
  password: z.string().min(1).max(1000),
});
export const backupCodesBody = z.strictObject({
  codes: z.array(text(64).min(4)).min(1).max(50),
});
export const revealBody = z.strictObject({ reason: text(500).min(3) });
/** POST /v1/accounts/:id/login-filled: which fill the extension made in the platform's page (never its value). */
export const fillSteps = ['login', 'code', 'backup_code'] as const;
export const loginFilledSchema = z.strictObject({ step: z.enum(fillSteps) });

export const eventsQuery = z.strictObject({
  accountId: id.optional(),
  memberId: id.optional(),
  before: opaque.optional(),
  limit: listLimit,
});

// Paged report findings and phones (DESIGN.md sections 5 and 8): filters are exact and case-insensitive.
export const findingKinds = [
  'two_step_off',
  'number_shared_on_platform',
  'holder_left_team',
  'two_step_pending',
  'number_unverified_90d',
  'backup_codes_missing',
  'backup_codes_low',
  'number_shared_across_platforms',
  'wide_access',
] as const satisfies readonly FindingKind[];
export const severities = ['high', 'medium', 'low'] as const satisfies readonly Severity[];
const lowerEnum = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  text(100)
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values));
const pageCursor = z.string().max(1000).refine(isSafeLine, 'Not a valid value.').optional();
export const reportQuery = z.strictObject({
  kind: lowerEnum(findingKinds).optional(),
  severity: lowerEnum(severities).optional(),
  platform: lowerEnum(platforms).optional(),
  client: text(200).optional(),
  limit: listLimit,
  cursor: pageCursor,
});
export const phoneListQuery = z.strictObject({
  q: text(200).optional(),
  holder: id.optional(),
  limit: listLimit,
  cursor: pageCursor,
});

export type Role = (typeof roles)[number];
export type Platform = (typeof platforms)[number];
export type TwoStepStatus = (typeof twoStepStatuses)[number];
export type Purpose = (typeof purposes)[number];
export type FillStep = (typeof fillSteps)[number];
export type LoginFilledBody = z.infer<typeof loginFilledSchema>;
