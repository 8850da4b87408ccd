import type { FillKind } from './page-bridge-types.ts';

type RawJson = <T>(
  method: string,
  path: string,
  query: Record<string, string | undefined>,
  body?: unknown,
) => Promise<T>;

/** The route behind the page fills: the audit event of a fill (which account, which step, never the value). */
export function pageApi(rawJson: RawJson) {
  return {
    loginFilled: (id: string, step: FillKind): Promise<void> =>
      rawJson<void>('POST', `/v1/accounts/${encodeURIComponent(id)}/login-filled`, {}, { step }),
  };
}
