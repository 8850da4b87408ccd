import { hashPassword, verifyPassword } from './crypto.ts';
import { tooMany } from './errors.ts';

// Password hashing is the one thing an anonymous caller can make the server spend real CPU on (PBKDF2, 100,000
// iterations: ~18 ms of a core). So every hash goes through one gate per process (per isolate on Workers): a few
// run at once, a few more wait, and past that the caller hears 429 at once, before the request does any work.

export type PasswordHashing = {
  hash: (password: string) => Promise<string>;
  verify: (password: string, stored: string) => Promise<boolean>;
};

/** One request's place at the gate: its hashes run when a slot is free; `release` gives the place back. */
export type PasswordTicket = PasswordHashing & { release: () => void };

export type Passwords = {
  /** A place at the gate for this request, or 429 `rate_limited` with Retry-After when none is left. */
  reserve: () => PasswordTicket;
  /** Places taken now: hashes running, waiting, or reserved by requests that will hash. */
  outstanding: () => number;
};

export const passwordHashConcurrency = 2;
export const passwordHashQueue = 8;
const retryAfterMs = 1000;

export function passwordGate(
  options: { concurrency?: number; queue?: number; hashing?: PasswordHashing } = {},
): Passwords {
  const concurrency = options.concurrency ?? passwordHashConcurrency;
  const capacity = concurrency + (options.queue ?? passwordHashQueue);
  const hashing = options.hashing ?? { hash: hashPassword, verify: verifyPassword };
  let outstanding = 0;
  let running = 0;
  const waiting: (() => void)[] = [];

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

  return {
    outstanding: () => outstanding,
    reserve() {
      if (outstanding >= capacity)
        throw tooMany('rate_limited', 'The server is busy checking passwords. Try again in a moment.', retryAfterMs);
      outstanding++;
      let released = false;
      return {
        hash: (password) => inSlot(() => hashing.hash(password)),
        verify: (password, stored) => inSlot(() => hashing.verify(password, stored)),
        release: () => {
          if (released) return;
          released = true;
          outstanding--;
        },
      };
    },
  };
}

/** One hash through the gate: 429 when the gate is full, else the hash once a slot is free. */
export async function hashThroughGate(passwords: Passwords, password: string): Promise<string> {
  const ticket = passwords.reserve();
  try {
    return await ticket.hash(password);
  } finally {
    ticket.release();
  }
}
