import type { ImportResult } from '@twostep/shared';
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { runBatch } from '../db/db.ts';
import { members } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import type { EventContext } from './audit.ts';
import { headerColumns, type ImportRow, importMaxRows, importRow, readCsv } from './import-csv.ts';

export type { ImportResult };

/** Rows per batch. Each statement binds a chunk as one JSON text, so D1's 100-parameter limit never binds. */
const chunkRows = 200;

/**
 * POST /v1/accounts/import: every valid row whose platform and handle are new becomes an account (with its
 * phone, reused by number or added, and two-step on with that phone, never verified); a row whose account
 * exists is skipped; a bad row is reported by line and the others go on. Each chunk of rows commits as one
 * batch with its audit events; what exists is decided by the statements themselves (ON CONFLICT, EXISTS).
 */
export async function importAccounts(
  deps: Pick<Deps, 'db' | 'clock'>,
  audit: EventContext,
  text: string,
): Promise<ImportResult> {
  const [header, ...records] = readCsv(text);
  const at = headerColumns(header);
  if (records.length > importMaxRows) {
    throw new ApiError(
      'payload_too_large',
      `An import takes at most ${importMaxRows} rows; this file has ${records.length}. Split it into smaller files.`,
      { maxRows: importMaxRows },
    );
  }
  const team = await deps.db
    .select({ id: members.id, name: members.name, email: members.email })
    .from(members)
    .where(and(eq(members.teamId, audit.teamId), isNull(members.removedAt)));
  const errors: ImportResult['errors'] = [];
  const rows: ImportRow[] = [];
  for (const record of records) {
    const row = importRow(record, at, team);
    if (typeof row === 'string') errors.push({ line: record.line, message: row });
    else rows.push(row);
  }
  let created = 0;
  for (let i = 0; i < rows.length; i += chunkRows)
    created += await importChunk(deps, audit, rows.slice(i, i + chunkRows));
  return { created, skipped: rows.length - created, errors };
}

const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);
// Account ids are made for this import: one that exists was created by this batch.
const accountIsNew = sql`EXISTS (SELECT 1 FROM accounts a WHERE a.id = ${field('accountId')})`;

/** One batch for up to `chunkRows` rows; returns how many accounts it created. */
async function importChunk(deps: Pick<Deps, 'db' | 'clock'>, audit: EventContext, rows: ImportRow[]) {
  const { db } = deps;
  const now = deps.clock.now();
  const { teamId, actor, ip } = audit;
  const phoneIds = new Map<string, { phoneId: string; phoneEventId: string }>();
  const entries = rows.map((row) => {
    const phone = row.phone ? (phoneIds.get(row.phone) ?? { phoneId: newId(now), phoneEventId: newId(now) }) : null;
    if (row.phone && phone) phoneIds.set(row.phone, phone);
    return {
      accountId: newId(now),
      eventId: newId(now),
      enabledEventId: newId(now),
      platform: row.platform,
      handle: row.handle,
      client: row.client,
      loginName: row.loginName,
      number: row.phone,
      holderMemberId: row.holder && 'memberId' in row.holder ? row.holder.memberId : null,
      holderName: row.holder && 'name' in row.holder ? row.holder.name : null,
      ...phone,
    };
  });
  const all = JSON.stringify(entries);
  const withPhone = JSON.stringify(entries.filter((entry) => entry.number));
  const event = (action: string, id: SQL, target: SQL, accountId: SQL | null, detail: string | null = null) =>
    sql`INSERT INTO events (id, team_id, at, actor, action, target, result, ip, account_id, detail)
      SELECT ${id}, ${teamId}, ${now}, ${actor}, ${action}, ${target}, 'ok', ${ip}, ${accountId}, ${detail}`;
  const holderMember = sql`(SELECT m.id FROM members m WHERE m.id = ${field('holderMemberId')} AND m.team_id = ${teamId}
    AND m.removed_at IS NULL)`;
  const [accounts] = await runBatch(db, [
    // An account whose platform and handle exist (before, or earlier in this file) is left alone: skipped.
    db.run(sql`INSERT INTO accounts (id, team_id, platform, handle, client, login_name, created_at, updated_at)
      SELECT ${field('accountId')}, ${teamId}, ${field('platform')}, ${field('handle')}, ${field('client')},
        ${field('loginName')}, ${now}, ${now}
      FROM json_each(${all}) j WHERE true ON CONFLICT DO NOTHING`),
    db.run(sql`${event('account.created', field('eventId'), field('accountId'), field('accountId'))}
      FROM json_each(${all}) j WHERE ${accountIsNew}`),
    // A number already on file is reused as it is; a new one is added with the row's holder.
    db.run(sql`INSERT INTO phones (id, team_id, number, holder_member_id, holder_name, created_at)
      SELECT ${field('phoneId')}, ${teamId}, ${field('number')}, ${holderMember},
        CASE WHEN ${holderMember} IS NULL THEN coalesce(${field('holderName')}, (SELECT m.name FROM members m
          WHERE m.id = ${field('holderMemberId')})) END, ${now}
      FROM json_each(${withPhone}) j WHERE ${accountIsNew} ON CONFLICT DO NOTHING`),
    db.run(sql`${event('phone.created', sql`e.event_id`, sql`e.phone_id`, null)}
      FROM (SELECT DISTINCT ${field('phoneEventId')} AS event_id, ${field('phoneId')} AS phone_id FROM json_each(${withPhone}) j) e
      WHERE EXISTS (SELECT 1 FROM phones p WHERE p.id = e.phone_id)`),
    // Imported data may break one number, one account per platform: the report shows it (number_shared_on_platform).
    // CROSS JOIN keeps the rows as the outer loop (each number found by index), never a walk of the team's phones per row.
    db.run(sql`INSERT INTO enrollments (account_id, team_id, phone_id, verified_at, enabled_at)
      SELECT ${field('accountId')}, ${teamId}, p.id, NULL, ${now}
      FROM json_each(${withPhone}) j CROSS JOIN phones p ON p.team_id = ${teamId} AND p.number = ${field('number')}
      WHERE ${accountIsNew} ON CONFLICT DO NOTHING`),
    db.run(sql`${event('two_step.enabled', field('enabledEventId'), field('accountId'), field('accountId'), 'imported')}
      FROM json_each(${withPhone}) j WHERE EXISTS (SELECT 1 FROM enrollments e WHERE e.account_id = ${field('accountId')})`),
  ]);
  return accounts.rowsAffected;
}
