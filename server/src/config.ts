import { z } from 'zod';

// The one module that knows the environment's names (DESIGN.md section 7). Entries pass in their env.

const countries = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((code) => code.trim().toUpperCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'SMS_ALLOWED_COUNTRIES takes two-letter ISO codes.')));

const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().min(1).default('file:./data/twostep.db'),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    TWOSTEP_SECRET: z.string().min(32, 'TWOSTEP_SECRET must be at least 32 characters.').optional(),
    // During a rotation: the secret being replaced, used only to open what it sealed (server/DEPLOY.md).
    TWOSTEP_SECRET_PREVIOUS: z.string().min(32, 'TWOSTEP_SECRET_PREVIOUS must be at least 32 characters.').optional(),
    NODE_ENV: z.string().default('development'),
    // Node only: where the development secret is kept when TWOSTEP_SECRET is not set.
    TWOSTEP_DATA_DIR: z.string().min(1).default('data'),
    SMS_PROVIDER: z.enum(['outbox', 'twilio']).optional(),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_API_BASE: z.url().default('https://api.twilio.com'),
    SMS_ALLOWED_COUNTRIES: countries,
    ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
  })
  .superRefine((env, ctx) => {
    if (env.SMS_PROVIDER === 'twilio') {
      for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
        if (!env[key])
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required with SMS_PROVIDER=twilio.` });
      }
    }
    // In production the dev outbox (codes readable by the owner) must be asked for by name, never fallen into.
    if (env.NODE_ENV === 'production' && !env.SMS_PROVIDER) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_PROVIDER'],
        message: 'SMS_PROVIDER is required in production: twilio (or outbox, for a trial with no real SMS).',
      });
    }
    if (env.TWOSTEP_SECRET_PREVIOUS && !env.TWOSTEP_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWOSTEP_SECRET_PREVIOUS'],
        message: 'TWOSTEP_SECRET_PREVIOUS needs TWOSTEP_SECRET, the new secret that replaces it.',
      });
    }
    if (env.NODE_ENV === 'production' && !env.TWOSTEP_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TWOSTEP_SECRET'], message: 'TWOSTEP_SECRET is required in production.' });
    }
  });

export type Config = Omit<z.infer<typeof configSchema>, 'SMS_PROVIDER'> & {
  SMS_PROVIDER: 'outbox' | 'twilio';
  /** Settings that were accepted but are worth a line in the log (never a secret's value). */
  warnings: string[];
};

/** Every variable the server reads (`npm run serve:worker` hands each one that is set to the Worker). */
export const configNames = Object.keys(configSchema.shape) as (keyof Config)[];

export function readConfig(env: Record<string, string | undefined>): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(blankless);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const warnings: string[] = [];
  let previous = parsed.data.TWOSTEP_SECRET_PREVIOUS;
  // Equal secrets are a rotation half set up (a Worker between two `secret put`s): run on the one secret, not down.
  if (previous !== undefined && previous === parsed.data.TWOSTEP_SECRET) {
    previous = undefined;
    warnings.push('TWOSTEP_SECRET_PREVIOUS equals TWOSTEP_SECRET: ignored, running with no previous key.');
  }
  return {
    ...parsed.data,
    TWOSTEP_SECRET_PREVIOUS: previous,
    SMS_PROVIDER: parsed.data.SMS_PROVIDER ?? 'outbox',
    warnings,
  };
}

/**
 * Workers: the libSQL server named by DATABASE_URL, or undefined when it is unset (the D1 binding is used then).
 * Only network URLs work there: @libsql/client/web speaks libsql:, http(s): and ws(s):.
 */
export function workerDatabaseUrl(env: Record<string, string | undefined>): string | undefined {
  const url = env.DATABASE_URL?.trim();
  if (!url) return undefined;
  // Over HTTP only: @libsql/client/web's WebSocket client hangs in Workers. Plain http:// is for local servers.
  if (!/^(libsql|https?):\/\//.test(url))
    throw new Error(
      'On Workers DATABASE_URL must be a libsql:// or https:// URL (http:// for a local server), or unset to use D1.',
    );
  return url;
}
