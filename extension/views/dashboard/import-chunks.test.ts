import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fileLine, guessMapping, importChunks, importColumns, parseImportFile } from './import-chunks.ts';

describe('an import file', () => {
  it('keeps the file line of each row across blank lines and a quoted cell over two lines', () => {
    const text = 'Platform,Handle,Client\r\ninstagram,a,"Acme\r\nGmbH"\r\n\r\nfacebook,b,Beta\r\n';
    const file = parseImportFile(text);
    expect(file.header).toEqual(['Platform', 'Handle', 'Client']);
    expect(file.rows.map((row) => row[1])).toEqual(['a', 'b']);
    expect(file.lines).toEqual([2, 5]);
  });

  it('maps columns by name in any case or spelling, and leaves the missing ones empty', () => {
    const mapping = guessMapping(['Handle', 'PLATFORM', 'login_name', 'Phone Holder', 'notes']);
    expect(mapping).toEqual({ platform: 1, handle: 0, client: -1, loginName: 2, phone: -1, phoneHolder: 3 });
  });

  it('cuts 1,234 rows into chunks of 500 with the API header, each error line back to the file', () => {
    const body = Array.from({ length: 1234 }, (_, i) => `instagram,h${i}`).join('\n');
    const file = parseImportFile(`platform,handle\n${body}\n`);
    const chunks = importChunks(file, guessMapping(file.header), 500);
    expect(chunks.map((chunk) => chunk.lines.length)).toEqual([500, 500, 234]);
    const third = Papa.parse<string[]>(chunks[2]!.csv, { skipEmptyLines: true }).data;
    expect(third[0]).toEqual([...importColumns]);
    expect(third[1]).toEqual(['instagram', 'h1000', '', '', '', '']);
    // The API's line 2 of the third chunk is its first row: row 1001 of the file, on line 1002.
    expect(fileLine(chunks[2]!, 2)).toBe(1002);
  });
});
