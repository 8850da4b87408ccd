import { type FindingKind, findingKinds } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import {
  type FindingFilters,
  type FindingKey,
  type FindingQueryRow,
  findingQuery,
  kindsToRead,
} from './report-findings.ts';

// One page of findings as one statement: the kinds in report order, each at most a page, and the union stopped
// at a page, so a page full of `two_step_off` never computes the other kinds.

type RawRow = {
  kind_index: number;
  account_id: string | null;
  platform: string | null;
  handle: string | null;
  client: string | null;
  phone_id: string | null;
  phone_number: string | null;
  member_id: string | null;
  member_name: string | null;
  protects: number | null;
  platform_list: string | null;
  last_code: number | null;
  unused: number | null;
  granted: number | null;
  others: string | null;
};

export type PageRow = { kind: FindingKind; index: number; row: FindingQueryRow };

export function findingPageQuery(
  db: Db,
  teamId: string,
  now: number,
  page: { filters: FindingFilters; after?: FindingKey; rows: number },
) {
  const arms = kindsToRead(page.filters, page.after).map(({ kind, index, after }, i) => ({
    name: sql.raw(`kind_${i}`),
    index,
    query: findingQuery(db, teamId, now, kind, { filters: page.filters, after }),
  }));
  if (!arms.length) return null;
  // Each kind reads at most a page, and the LIMIT on the union stops it once the page is full: a UNION ALL runs
  // its terms in order, pulling rows on demand, so kinds after a full page never run. (Limiting each kind by the
  // room the kinds before it left, by counting them, made SQLite plan each earlier kind again: 2^kinds, ~40 ms.)
  const ctes = arms.map(
    (arm) =>
      sql`${arm.name} AS (SELECT ${sql.raw(String(arm.index))} AS kind_index, * FROM (${arm.query}) LIMIT ${page.rows})`,
  );
  // Unions of two terms, nested: D1 caps the terms of one compound SELECT below the nine kinds.
  const union = arms
    .slice(1)
    .reduce<SQL>(
      (left, arm) => sql`SELECT * FROM (${left}) UNION ALL SELECT * FROM ${arm.name}`,
      sql`SELECT * FROM ${arms[0]!.name}`,
    );
  return db.all<RawRow>(sql`WITH ${sql.join(ctes, sql`, `)} SELECT * FROM (${union}) LIMIT ${page.rows}`);
}

const keyText = (row: RawRow) => (row.account_id ? [row.platform ?? '', row.handle ?? ''] : [row.phone_id ?? '', '']);
// Keys are ASCII (platforms, handles, ids), so JavaScript's comparison is SQLite's BINARY collation.
const compare = (a: RawRow, b: RawRow) => {
  if (a.kind_index !== b.kind_index) return a.kind_index - b.kind_index;
  const [x, y] = [keyText(a), keyText(b)];
  return x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : x[1]! < y[1]! ? -1 : x[1]! > y[1]! ? 1 : 0;
};

const columns = [
  'kind_index',
  'account_id',
  'platform',
  'handle',
  'client',
  'phone_id',
  'phone_number',
  'member_id',
  'member_name',
  'protects',
  'platform_list',
  'last_code',
  'unused',
  'granted',
  'others',
] as const satisfies readonly (keyof RawRow)[];

// A raw select run inside a batch answers objects on libSQL and value arrays (in column order) on D1.
const asObject = (row: RawRow | unknown[]): RawRow =>
  Array.isArray(row) ? (Object.fromEntries(columns.map((name, i) => [name, row[i]])) as RawRow) : row;

/** The page's rows in report order, as the per-kind queries name their columns. */
export function pageRows(raw: (RawRow | unknown[])[]): PageRow[] {
  return raw
    .map(asObject)
    .sort(compare)
    .map((r) => ({
      kind: findingKinds[Number(r.kind_index)]!,
      index: Number(r.kind_index),
      row: {
        accountId: r.account_id,
        platform: r.platform,
        handle: r.handle,
        client: r.client,
        phoneId: r.phone_id,
        number: r.phone_number,
        memberId: r.member_id,
        memberName: r.member_name,
        protects: r.protects,
        platforms: r.platform_list,
        lastCode: r.last_code,
        unused: r.unused,
        granted: r.granted,
        others: r.others,
      } as FindingQueryRow,
    }));
}
