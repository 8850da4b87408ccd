import type { Db } from '../../src/db/db.ts';

/** One harness's database, whichever runtime and engine it lives in. */
export type TestDatabase = {
  db: Db;
  url: string;
  /** Raw SQL for a test's assertions and seeds. */
  query: <Row = Record<string, unknown>>(text: string) => Promise<Row[]>;
  close: () => void | Promise<void>;
};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The sqld started by test/sqld-setup.ts: its user (Hrana over HTTP) and admin (namespaces) APIs. */
    sqld: { url: string; adminUrl: string };
  }
}
