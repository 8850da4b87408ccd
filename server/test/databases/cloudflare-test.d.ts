// The few parts of @cloudflare/vitest-pool-workers' `cloudflare:test` module that test/databases/workerd.ts uses.
// (Its own declaration file needs Workers' global types, which clash with the DOM and Node types used here.)
declare module 'cloudflare:test' {
  export const env: Record<string, unknown>;
  export function applyD1Migrations(
    db: unknown,
    migrations: { name: string; queries: string[] }[],
    migrationsTableName?: string,
  ): Promise<void>;
  export function reset(): Promise<void>;
}
declare module 'cloudflare:test' {
  export function createExecutionContext(): {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException(): void;
    props: unknown;
  };
  export function waitOnExecutionContext(ctx: unknown): Promise<void>;
}
