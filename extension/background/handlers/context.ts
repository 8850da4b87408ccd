import type { Challenge } from '@twostep/shared';
import type { ChallengeView, SessionView } from '@/messages/intents.ts';
import type { ApiClient } from '../api-client.ts';
import type { Badge } from '../toolbar-badge.ts';

/** What the intent handler lends the handlers kept in their own files. */
export type HandlerContext = {
  api: (baseUrl: string, token?: string) => ApiClient;
  /** The API with the stored token; 401 unauthorized when nobody is signed in. */
  client: () => Promise<ApiClient>;
  /** Sends a challenge on and keeps it as the account's code entry waiting for its code (popup reopened). */
  keep: (send: () => Promise<{ challenge: Challenge }>) => Promise<ChallengeView>;
  about: <T>(challengeId: string, call: () => Promise<T>) => Promise<T>;
  serverAddress: (serverUrl: string) => string;
  startSession: (
    serverUrl: string,
    open: (api: ApiClient) => Promise<{ token: string; member: NonNullable<SessionView['member']> }>,
  ) => Promise<SessionView>;
  badge: Badge;
};
