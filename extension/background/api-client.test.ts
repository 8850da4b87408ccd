import { describe, expect, it } from 'vitest';
import { ApiRequestError, createApiClient } from './api-client.ts';

const base = 'http://127.0.0.1:8787';
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function clientAnswering(answer: (request: Request) => Response | Promise<Response>, token?: string) {
  const seen: Request[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request);
    return answer(request);
  }) as typeof fetch;
  return { api: createApiClient(base, token, fetchImpl), seen };
}

async function failure(promise: Promise<unknown>): Promise<ApiRequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiRequestError);
  return error as ApiRequestError;
}

describe('the API client', () => {
  it('sends the bearer token and returns the JSON of a success', async () => {
    const { api, seen } = clientAnswering(() => json(200, { unlockedUntil: null }), 'tok_abcdefghijklmnop');
    expect(await api.unlockStatus('acc1')).toEqual({ unlockedUntil: null });
    expect(seen[0]!.url).toBe(`${base}/v1/accounts/acc1/unlock`);
    expect(seen[0]!.headers.get('Authorization')).toBe('Bearer tok_abcdefghijklmnop');
  });

  it('posts a code as JSON to the challenge', async () => {
    const { api, seen } = clientAnswering(() => json(200, { challenge: {}, account: {} }));
    await api.verify('ch1', '123456');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe(`${base}/v1/challenges/ch1/verify`);
    expect(await seen[0]!.json()).toEqual({ code: '123456' });
  });

  it('passes list filters as query parameters', async () => {
    const { api, seen } = clientAnswering(() => json(200, { accounts: [], next: null }));
    await api.listAccounts({ platform: 'instagram', limit: 1000 });
    const url = new URL(seen[0]!.url);
    expect(url.searchParams.get('platform')).toBe('instagram');
    expect(url.searchParams.get('limit')).toBe('1000');
  });

  it('records a fill as its step only, posted to the account', async () => {
    const { api, seen } = clientAnswering(() => new Response(null, { status: 204 }), 'tok_abcdefghijklmnop');
    expect(await api.loginFilled('acc1', 'backup_code')).toBeUndefined();
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe(`${base}/v1/accounts/acc1/login-filled`);
    expect(await seen[0]!.json()).toEqual({ step: 'backup_code' });
  });

  it('answers undefined for a 204', async () => {
    const { api } = clientAnswering(() => new Response(null, { status: 204 }));
    expect(await api.signOut()).toBeUndefined();
  });

  it("keeps the API's code, message and details, such as attempts left", async () => {
    const { api } = clientAnswering(() =>
      json(400, { error: { code: 'code_invalid', message: 'That code is not right.', attemptsLeft: 3 } }),
    );
    const error = await failure(api.verify('ch1', '000000'));
    expect(error.toProblem()).toEqual({
      code: 'code_invalid',
      message: 'That code is not right.',
      status: 400,
      details: { attemptsLeft: 3 },
    });
  });

  it('reads Retry-After when the body does not name retryAfter', async () => {
    const { api } = clientAnswering(() =>
      json(429, { error: { code: 'resend_too_soon', message: 'Wait.' } }, { 'Retry-After': '17' }),
    );
    const error = await failure(api.resend('ch1'));
    expect(error.code).toBe('resend_too_soon');
    expect(error.details.retryAfter).toBe(17);
  });

  it('says no server answers when the connection fails', async () => {
    const { api } = clientAnswering(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await failure(api.signIn({ email: 'a@b.test', password: 'x' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`No Twostep server answers at ${base}.`);
  });

  it('says the server took too long when the request times out', async () => {
    const { api } = clientAnswering(() => {
      throw new DOMException('The operation timed out.', 'TimeoutError');
    });
    expect((await failure(api.health())).code).toBe('timeout');
  });

  it('says the address is not a Twostep server when the answer is not the contract', async () => {
    const html = () => new Response('<html>Welcome to nginx</html>', { status: 200 });
    expect((await failure(clientAnswering(html).api.health())).code).toBe('not_twostep');
    const gateway = () => json(502, { message: 'Bad gateway' });
    const error = await failure(clientAnswering(gateway).api.health());
    expect(error.code).toBe('not_twostep');
    expect(error.status).toBe(502);
  });
});
