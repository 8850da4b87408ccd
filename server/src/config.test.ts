import { describe, expect, it } from 'vitest';
import { configNames, readConfig } from './config.ts';

const secret = 'x'.repeat(32);

describe('configuration', () => {
  it('defaults to the embedded file, the outbox provider and 127.0.0.1:8787 in development', () => {
    expect(readConfig({})).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      DATABASE_URL: 'file:./data/twostep.db',
      SMS_PROVIDER: 'outbox',
      SMS_ALLOWED_COUNTRIES: [],
    });
  });

  it('in production, needs TWOSTEP_SECRET and an SMS provider named on purpose', () => {
    expect(() => readConfig({ NODE_ENV: 'production', SMS_PROVIDER: 'outbox' })).toThrow(/TWOSTEP_SECRET/);
    expect(() => readConfig({ NODE_ENV: 'production', TWOSTEP_SECRET: secret })).toThrow(/SMS_PROVIDER is required/);
    expect(readConfig({ NODE_ENV: 'production', TWOSTEP_SECRET: secret, SMS_PROVIDER: 'outbox' }).SMS_PROVIDER).toBe(
      'outbox',
    );
  });

  it('needs the Twilio credentials with SMS_PROVIDER=twilio', () => {
    expect(() => readConfig({ SMS_PROVIDER: 'twilio' })).toThrow(
      /TWILIO_ACCOUNT_SID.*\n.*TWILIO_AUTH_TOKEN.*\n.*TWILIO_FROM/,
    );
  });

  it('reads SMS_ALLOWED_COUNTRIES as upper-case ISO codes and refuses anything else', () => {
    expect(readConfig({ SMS_ALLOWED_COUNTRIES: 'de, at,CH' }).SMS_ALLOWED_COUNTRIES).toEqual(['DE', 'AT', 'CH']);
    expect(() => readConfig({ SMS_ALLOWED_COUNTRIES: 'Germany' })).toThrow(/ISO/);
  });

  it('names a bad value without echoing secrets', () => {
    expect(() => readConfig({ TWOSTEP_SECRET: 'short-secret-value' })).toThrow(/TWOSTEP_SECRET must be at least 32/);
    try {
      readConfig({ TWOSTEP_SECRET: 'short-secret-value' });
    } catch (error) {
      expect(String(error)).not.toContain('short-secret-value');
    }
  });

  it('takes TWOSTEP_SECRET_PREVIOUS only as an old secret of 32 characters or more, beside a new TWOSTEP_SECRET', () => {
    const old = 'o'.repeat(32);
    expect(readConfig({ TWOSTEP_SECRET: secret, TWOSTEP_SECRET_PREVIOUS: old }).TWOSTEP_SECRET_PREVIOUS).toBe(old);
    expect(readConfig({ TWOSTEP_SECRET: secret }).TWOSTEP_SECRET_PREVIOUS).toBeUndefined();
    expect(() => readConfig({ TWOSTEP_SECRET: secret, TWOSTEP_SECRET_PREVIOUS: 'o'.repeat(31) })).toThrow(
      /TWOSTEP_SECRET_PREVIOUS: TWOSTEP_SECRET_PREVIOUS must be at least 32 characters/,
    );
    expect(() => readConfig({ TWOSTEP_SECRET_PREVIOUS: old })).toThrow(/TWOSTEP_SECRET_PREVIOUS needs TWOSTEP_SECRET/);
    expect(readConfig({ TWOSTEP_SECRET: secret, TWOSTEP_SECRET_PREVIOUS: old }).warnings).toEqual([]);
    try {
      readConfig({ TWOSTEP_SECRET: secret, TWOSTEP_SECRET_PREVIOUS: 'old-but-short-secret' });
    } catch (error) {
      expect(String(error)).not.toContain('old-but-short-secret');
    }
  });

  it('runs with no previous key, and says so, when TWOSTEP_SECRET_PREVIOUS equals TWOSTEP_SECRET', () => {
    // A Worker between its two `wrangler secret put`s: refusing to start would answer 500 to every request.
    const config = readConfig({ TWOSTEP_SECRET: secret, TWOSTEP_SECRET_PREVIOUS: secret });
    expect(config.TWOSTEP_SECRET).toBe(secret);
    expect(config.TWOSTEP_SECRET_PREVIOUS).toBeUndefined();
    expect(config.warnings).toEqual([
      'TWOSTEP_SECRET_PREVIOUS equals TWOSTEP_SECRET: ignored, running with no previous key.',
    ]);
    expect(config.warnings.join('')).not.toContain(secret);
  });

  it('lists TWOSTEP_SECRET_PREVIOUS among the variables handed to the Worker', () => {
    expect(configNames).toContain('TWOSTEP_SECRET_PREVIOUS');
  });
});
