import { accountCreateBody, holderInput } from '@twostep/shared';
import Papa from 'papaparse';
import type { z } from 'zod';
import { ApiError } from '../lib/errors.ts';
import { parseOrFail } from './phones.ts';

// Reading an import file: records with the line each starts on, the header, and one row's rules.

export const importHeader = ['platform', 'handle', 'client', 'loginName', 'phone', 'phoneHolder'] as const;
export const importMaxRows = 5000;

type Column = (typeof importHeader)[number];
export type CsvRecord = { line: number; fields: string[]; error?: string };
export type ImportRow = {
  line: number;
  platform: string;
  handle: string;
  client: string | null;
  loginName: string | null;
  /** E.164, or null for a row without a phone. */
  phone: string | null;
  holder: { memberId: string } | { name: string } | null;
};
export type ActiveMember = { id: string; name: string; email: string };

const quoteErrors: Record<string, string> = {
  MissingQuotes: 'A quoted field is not closed: every " that opens a field needs one that closes it.',
  InvalidQuotes: 'A quote inside a field must be doubled ("") and the whole field put in quotes.',
};

/**
 * The file's non-empty records, each with the 1-based line it starts on. Line ends may be CRLF, LF or CR; a
 * leading byte order mark is dropped; a record whose cells are all blank (an empty line, `,,,,,`) is skipped.
 */
export function readCsv(input: string): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  let position = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter: ',',
    newline: '\n',
    step: (result) => {
      const [start, first] = [position, line];
      position = result.meta.cursor;
      for (let i = start; i < position; i++) if (text.charCodeAt(i) === 10) line++;
      const fields = result.data;
      const problem = result.errors[0];
      if (!problem && fields.every((field) => field.trim() === '')) return;
      if (!problem) return void records.push({ line: first, fields });
      // A broken quote makes the parser read on to the next quote: say which lines it took, none of them imported.
      const last = text.charCodeAt(position - 1) === 10 ? line - 1 : line;
      const span = last > first ? ` It runs on to line ${last}, so lines ${first} to ${last} were not imported.` : '';
      records.push({ line: first, fields, error: `${quoteErrors[problem.code] ?? problem.message}${span}` });
    },
  });
  return records;
}

/** Where each column of the header is: any order, names case-insensitive, each exactly once. */
export function headerColumns(record: CsvRecord | undefined): Record<Column, number> {
  const names = record && !record.error ? record.fields.map((field) => field.trim().toLowerCase()) : [];
  const at = Object.fromEntries(importHeader.map((column) => [column, names.indexOf(column.toLowerCase())]));
  const complete = names.length === importHeader.length && Object.values(at).every((index) => index >= 0);
  if (!complete) {
    throw new ApiError('invalid_request', `The first line must be the header ${importHeader.join(',')}.`, {
      expectedHeader: importHeader.join(','),
    });
  }
  return at as Record<Column, number>;
}

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  const path = issue?.path.join('.');
  return issue ? `${path ? `${path}: ` : ''}${issue.message}` : 'This row is not valid.';
};

/** One row under the rules of POST /v1/accounts and POST /v1/phones, or the sentence saying what is wrong. */
export function importRow(record: CsvRecord, at: Record<Column, number>, members: ActiveMember[]): ImportRow | string {
  if (record.error) return record.error;
  if (record.fields.length !== importHeader.length)
    return `Expected ${importHeader.length} fields like the header, found ${record.fields.length}.`;
  const cell = (column: Column) => record.fields[at[column]]!.trim();
  const optional = (value: string) => (value === '' ? undefined : value);
  const account = accountCreateBody.safeParse({
    platform: cell('platform').toLowerCase(),
    handle: cell('handle'),
    client: optional(cell('client')),
    loginName: optional(cell('loginName')),
  });
  if (!account.success) return firstIssue(account.error);
  let phone: string | null = null;
  if (cell('phone')) {
    try {
      phone = parseOrFail(cell('phone')).e164;
    } catch (error) {
      if (error instanceof ApiError) return `phone: ${error.message}`;
      throw error;
    }
  }
  const holderText = cell('phoneHolder');
  if (holderText && !phone) return 'phoneHolder: a holder needs a phone in the same row.';
  let holder: ImportRow['holder'] = null;
  if (holderText) {
    // A member's email names that member; only free text must be a valid name.
    holder = matchMember(holderText, members);
    if (!holder) {
      const named = holderInput.safeParse({ name: holderText });
      if (!named.success) return `phoneHolder: ${named.error.issues[0]?.message ?? 'not a valid name.'}`;
      holder = named.data;
    }
  }
  const { platform, handle, client, loginName } = account.data;
  return { line: record.line, platform, handle, client: client || null, loginName: loginName || null, phone, holder };
}

/** An active member named by email, or by a name no other active member has (both case-insensitive). */
function matchMember(text: string, members: ActiveMember[]): { memberId: string } | null {
  const wanted = text.toLowerCase();
  const byEmail = members.find((member) => member.email.toLowerCase() === wanted);
  if (byEmail) return { memberId: byEmail.id };
  const byName = members.filter((member) => member.name.toLowerCase() === wanted);
  return byName.length === 1 ? { memberId: byName[0]!.id } : null;
}
