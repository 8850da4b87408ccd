import type { Platform, Purpose, Role, TwoStepStatus } from './schemas.ts';

export type Member = { id: string; name: string; email: string; role: Role };
export type MemberListItem = Member & { createdAt: string; removedAt: string | null };
export type Session = { token: string; member: Member };

export type Holder = { memberId: string | null; name: string };
export type PhoneSummary = { id: string; masked: string; label: string | null; holder: Holder | null };
export type Phone = PhoneSummary & {
  number: string;
  verifiedAt: string | null;
  protects: { accountId: string; platform: Platform; handle: string }[];
};

export type Account = {
  id: string;
  platform: Platform;
  handle: string;
  client: string | null;
  loginName: string | null;
  notes: string | null;
  twoStep: { status: TwoStepStatus; phone: PhoneSummary | null; verifiedAt: string | null };
  backupCodes: { remaining: number; total: number };
};
export type AccountPage = { accounts: Account[]; next: string | null };

export type Invite = { id: string; email: string; role: Role; expiresAt: string };
/** GET /v1/invites: the open invites (not used, revoked or expired), with the member who made each. */
export type OpenInvite = Invite & { createdBy: string };
export type InviteList = { invites: OpenInvite[] };
export type Grant = { memberId: string; name: string; grantedAt: string };

export type ChallengeStatus = 'pending' | 'verified' | 'locked' | 'expired' | 'delivery_failed';
export type Challenge = {
  id: string;
  purpose: Purpose;
  accountId: string;
  sentTo: string;
  expiresAt: string;
  resendAfter: string | null;
  attemptsLeft: number;
  status: ChallengeStatus;
};

export type AuditEvent = {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  result: string;
  ip: string | null;
  detail: string | null;
};
export type EventPage = { events: AuditEvent[]; next: string | null };

export type Severity = 'high' | 'medium' | 'low';
export type FindingKind =
  | 'two_step_off'
  | 'two_step_pending'
  | 'number_shared_on_platform'
  | 'number_shared_across_platforms'
  | 'number_unverified_90d'
  | 'backup_codes_missing'
  | 'backup_codes_low'
  | 'holder_left_team'
  | 'wide_access';
export type Finding = {
  kind: FindingKind;
  severity: Severity;
  accountId?: string;
  phoneId?: string;
  memberId?: string;
  message: string;
  /** Beyond DESIGN.md's list, for the dashboard: the account's names when it is about one, the masked number. */
  platform?: string | null;
  handle?: string | null;
  client?: string | null;
  phone?: string | null;
};
export type StatusCounts = { accounts: number; on: number; pending: number; off: number };
export type TwoStepReport = {
  summary: StatusCounts & { coverage: number };
  byPlatform: (StatusCounts & { platform: Platform })[];
  byClient: (StatusCounts & { client: string | null })[];
  findingCounts: FindingCount[];
  findings: Finding[];
  next: string | null;
};
export type FindingCount = { kind: FindingKind; severity: Severity; count: number };
export type PhonePage = { phones: Phone[]; next: string | null };
export type ImportResult = { created: number; skipped: number; errors: { line: number; message: string }[] };

/** GET /v1/admin/key-rotation: values still sealed under another key than TWOSTEP_SECRET's (0 = rotation done). */
export type KeyRotationStatus = {
  keyId: string;
  previousKeyId: string | null;
  remaining: number;
  unreadable: number;
  /** remaining is 0: TWOSTEP_SECRET_PREVIOUS can be removed. */
  done: boolean;
};
