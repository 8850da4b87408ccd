import { clientKey } from './client-key.ts';
import { hashPassword, verifyPassword } from './crypto.ts';
import { tooMany } from './errors.ts';

// Password hashing is the one thing an anonymous caller can make the server spend real CPU on (PBKDF2, 100,000
// iterations: ~18 ms of a core). So every hash goes through one gate per process (per isolate on Workers): a few
// run at once, a few more wait, and past that the caller hears 429 at once, before the request does any work.
// Places are shared fairly: one client (an IPv4 address, an IPv6 /64) holds at most a couple, and the last
// couple are kept for clients that hold none, so one client's loops cannot lock everyone else out.

export type PasswordHashing = {
  hash: (password: string) => Promise<string>;
  verify: (password: string, stored: string) => Promise<boolean>;
};

/** One request's place at the gate: its hashes run when a slot is free; `release` gives the place back. */
export type PasswordTicket = {
  hash: (password: string) => Promise<string>;
  /** Checks against `stored`, or against the decoy when there is none, so an unknown account costs the same. */
  verify: (password: string, stored: string | undefined) => Promise<boolean>;
  release: () => void;
};

export type Passwords = {
  /** A place at the gate for this client, or 429 `rate_limited` with Retry-After when none is left for it. */
  reserve: (client: string | null) => PasswordTicket;
  /** Places taken now: hashes running, waiting, or reserved by requests that will hash. */
  outstanding: () => number;
};

export const passwordHashConcurrency = 2;
export const passwordHashQueue = 8;
/** Places one client may hold at once. */
export const passwordPlacesPerClient = 2;
/** Places only a client holding none may take (an unknown client never may). */
export const passwordPlacesSpare = 2;
const retryAfterMs = 1000;

/**
 * A PBKDF2 record (100,000 iterations) of a random password that was thrown away: checking a password against
 * it costs what checking a real one costs, and no password matches it. A constant, so no request pays to make it.
 */
export const decoyPasswordHash =
  'pbkdf2-sha256$100000$Cjv8BH_6H-Zdw71xynVkcQ$SjxK74ZwPtV9q6ar0YE00BNTiU6GrM_v5P7VWDEsDF4';

export function passwordGate(
  options: { concurrency?: number; queue?: number; hashing?: PasswordHashing } = {},
): Passwords {
  const concurrency = options.concurrency ?? passwordHashConcurrency;
  const capacity = concurrency + (options.queue ?? passwordHashQueue);
  const hashing = options.hashing ?? { hash: hashPassword, verify: verifyPassword };
  let outstanding = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const held = new Map<string, number>();

  async function inSlot<T>(task: () => Promise<T>): Promise<T> {
    if (running < concurrency) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // A finished hash hands its slot straight to the next in line, so none can jump the queue.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  function admits(key: string | null): boolean {
    if (outstanding >= capacity) return false;
    const mine = key === null ? undefined : (held.get(key) ?? 0);
    if (mine === 0) return true;
    if (mine !== undefined && mine >= passwordPlacesPerClient) return false;
    return outstanding < capacity - passwordPlacesSpare;
  }

  return {
    outstanding: () => outstanding,
    reserve(client) {
      const key = clientKey(client);
      if (!admits(key))
        throw tooMany('rate_limited', 'The server is busy checking passwords. Try again in a moment.', retryAfterMs);
      outstanding++;
      if (key !== null) held.set(key, (held.get(key) ?? 0) + 1);
      let released = false;
      return {
        hash: (password) => inSlot(() => hashing.hash(password)),
        verify: (password, stored) => inSlot(() => hashing.verify(password, stored ?? decoyPasswordHash)),
        release: () => {
          if (released) return;
          released = true;
          outstanding--;
          if (key === null) return;
          const left = (held.get(key) ?? 1) - 1;
          if (left > 0) held.set(key, left);
          else held.delete(key);
        },
      };
    },
  };
}

/** One hash through the gate for this client: 429 when no place is left for it, else the hash once a slot is free. */
export async function hashThroughGate(passwords: Passwords, client: string | null, password: string): Promise<string> {
  const ticket = passwords.reserve(client);
  try {
    return await ticket.hash(password);
  } finally {
    ticket.release();
  }
}
