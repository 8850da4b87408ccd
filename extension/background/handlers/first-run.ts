import type { Handlers } from '../intent-handler.ts';
import type { HandlerContext } from './context.ts';

/** A server's first run (set the team up) and joining it from an invite: both end signed in. */
export function firstRunHandlers({ api, serverAddress, startSession }: HandlerContext) {
  return {
    'server.check': async ({ serverUrl }) => {
      const url = serverAddress(serverUrl);
      const { setUp } = await api(url).health();
      return { serverUrl: url, setUp: setUp !== false };
    },
    'session.setUp': ({ serverUrl, ...body }) => startSession(serverUrl, (api) => api.setUp(body)),
    'session.acceptInvite': ({ serverUrl, token, name, password }) =>
      startSession(serverUrl, (api) => api.acceptInvite({ token: token.trim(), name, password })),
  } satisfies Partial<Handlers>;
}
