import Papa from 'papaparse';

/** The columns POST /v1/accounts/import reads, in its header's order. */
export const importColumns = ['platform', 'handle', 'client', 'loginName', 'phone', 'phoneHolder'] as const;
export type ImportColumn = (typeof importColumns)[number];
/** For each column the API reads, the index of the file's column that fills it, or -1 for none. */
export type Mapping = Record<ImportColumn, number>;
export type ParsedFile = { header: string[]; rows: string[][]; lines: number[] };
export type Chunk = { csv: string; lines: number[] };

export const templateCsv = `${importColumns.join(',')}\r\ninstagram,acmebrand,Acme,acme.brand,+49 151 23456789,Anna\r\n`;

/**
 * The file's header and its non-blank rows, each with the line of the file it starts on (a quoted cell may
 * span lines), so an error the API reports for a chunk can be told as a line of the file the lead picked.
 */
export function parseImportFile(text: string): ParsedFile {
  const { data } = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  const [header = [], ...records] = data;
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = 1 + header.join(',').split('\n').length;
  for (const record of records) {
    if (record.some((cell) => cell.trim() !== '')) {
      rows.push(record);
      lines.push(line);
    }
    line += record.join(',').split('\n').length;
  }
  return { header: header.map((cell) => cell.trim()), rows, lines };
}

const squash = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/** Each API column matched to the file's column of the same name (any case, spaces or underscores aside). */
export function guessMapping(header: string[]): Mapping {
  const found = (column: ImportColumn) => header.findIndex((name) => squash(name) === squash(column));
  return Object.fromEntries(importColumns.map((column) => [column, found(column)])) as Mapping;
}

/** The rows in chunks of `size`, each a CSV with the API's header, one line per row. */
export function importChunks(file: ParsedFile, mapping: Mapping, size: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let start = 0; start < file.rows.length; start += size) {
    const rows = file.rows.slice(start, start + size).map((row) =>
      importColumns.map((column) => {
        const index = mapping[column];
        return index < 0 ? '' : (row[index] ?? '').replace(/\r\n|\r|\n/g, ' ');
      }),
    );
    chunks.push({
      csv: Papa.unparse({ fields: [...importColumns], data: rows }, { newline: '\r\n' }),
      lines: file.lines.slice(start, start + size),
    });
  }
  return chunks;
}

/** The line of the picked file for a line of one chunk as the API numbers it (its header is line 1). */
export const fileLine = (chunk: Chunk, chunkLine: number) => chunk.lines[chunkLine - 2] ?? chunkLine;
