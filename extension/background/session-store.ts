import type { Challenge, Member } from '@twostep/shared';
import { storage } from 'wxt/utils/storage';
import { filledTabs } from './filled-tabs.ts';
import { defaultServerUrl } from './server-url.ts';

/** A signed-in session: the bearer token, the server that issued it, and who it belongs to. */
export type StoredSession = { serverUrl: string; token: string; member: Member };

/** The server address is not secret: it survives a browser restart, so the sign-in form is prefilled. */
export const serverUrlItem = storage.defineItem<string>('local:serverUrl', { fallback: defaultServerUrl });

/**
 * The token lives in storage.session only: kept in memory, gone when the browser closes, and (at the default
 * TRUSTED_CONTEXTS access level) unreadable by content scripts. Never storage.local or storage.sync.
 */
export const sessionItem = storage.defineItem<StoredSession | null>('session:session', { fallback: null });

/**
 * The sign-in waiting for its SMS code, so a popup closed meanwhile (Chrome closes it when it loses focus) comes
 * back to the code entry instead of sending another SMS. The challenge as the server described it and the
 * server's clock offset; never the code. storage.session, like the token.
 */
export type PendingChallenge = { accountId: string; challengeId: string; challenge: Challenge; skewMs: number };
export const pendingItem = storage.defineItem<PendingChallenge | null>('session:pendingChallenge', { fallback: null });

export const sessionStore = {
  serverUrl: () => serverUrlItem.getValue(),
  current: () => sessionItem.getValue(),
  async save(session: StoredSession) {
    await serverUrlItem.setValue(session.serverUrl);
    await sessionItem.setValue(session);
  },
  async clear() {
    await filledTabs.clear();
    await pendingItem.removeValue();
    await sessionItem.removeValue();
  },
  pending: () => pendingItem.getValue(),
  setPending: (pending: PendingChallenge) => pendingItem.setValue(pending),
  clearPending: () => pendingItem.removeValue(),
};

export type SessionStore = typeof sessionStore;
