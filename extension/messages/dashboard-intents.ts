import type {
  AccountPage,
  EventPage,
  FindingKind,
  Grant,
  ImportResult,
  Invite,
  InviteList,
  Member,
  MemberListItem,
  Phone,
  PhonePage,
  Platform,
  Role,
  Severity,
  TwoStepReport,
  TwoStepStatus,
} from '@twostep/shared';

export type FindingFilter = { kind?: FindingKind; severity?: Severity; platform?: Platform; client?: string };
/** One page of the two-step report (DESIGN.md section 8): whole-team counts, one page of findings. */
export type ReportPage = TwoStepReport;
export type Handover = {
  heldPhones: { id: string; masked: string; label: string | null }[];
  recentlyUnlocked: { id: string; platform: Platform; handle: string }[];
};
export type HolderChange = { memberId: string } | { name: string } | null;
export type Paging = { cursor?: string; limit?: number };

/** The dashboard's intents (the options page, for leads): payloads and the data of a successful reply. */
export type DashboardIntentMap = {
  'dashboard.report': [FindingFilter & Paging, ReportPage];
  'dashboard.reportCsv': [Record<never, never>, { csv: string; filename: string }];
  'dashboard.accounts': [
    { platform?: Platform; client?: string; status?: TwoStepStatus; q?: string } & Paging,
    AccountPage,
  ];
  'dashboard.phones': [{ q?: string; holder?: string } & Paging, PhonePage];
  'dashboard.phoneUpdate': [{ phoneId: string; label?: string; holder?: HolderChange }, { phone: Phone }];
  'dashboard.members': [Record<never, never>, { members: MemberListItem[] }];
  'dashboard.invite': [{ email: string; role: 'lead' | 'member' }, { invite: Invite; token: string }];
  /** The open invites (not used, revoked or expired), oldest first; DELETE takes one back. */
  'dashboard.invites': [Record<never, never>, InviteList];
  'dashboard.inviteRevoke': [{ inviteId: string }, { revoked: true }];
  'dashboard.memberRole': [{ memberId: string; role: Role }, { member: Member }];
  'dashboard.memberRemove': [{ memberId: string }, { handover: Handover }];
  /** The grants of a few accounts at once (one request each): one slice of the matrix. */
  'dashboard.grants': [{ accountIds: string[] }, { grants: Record<string, Grant[]> }];
  'dashboard.grantSet': [{ accountId: string; memberId: string; granted: boolean }, { granted: boolean }];
  'dashboard.events': [{ accountId?: string; memberId?: string; before?: string; limit?: number }, EventPage];
  /** One chunk of an import file, with the header line: at most `importChunkRows` rows. */
  'dashboard.importChunk': [{ csv: string }, ImportResult];
};

/** Rows per import request: small enough for the progress bar to move, large enough to be quick. */
export const importChunkRows = 500;
/** Accounts per request when the matrix asks for grants. */
export const grantsBatchMax = 50;
