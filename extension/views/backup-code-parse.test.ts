import { describe, expect, it } from 'vitest';
import { parseBackupCodes } from './backup-code-parse.ts';

describe('a pasted list of backup codes', () => {
  it('is one code per line, keeping the platform grouping', () => {
    expect(parseBackupCodes('1234 5678\n2345 6789\r\n3456 7890\n')).toEqual({
      codes: ['1234 5678', '2345 6789', '3456 7890'],
      ignored: [],
    });
  });

  it('is split by commas, semicolons, tabs or spaces', () => {
    expect(parseBackupCodes('11112222, 33334444;55556666\t77778888').codes).toEqual([
      '11112222',
      '33334444',
      '55556666',
      '77778888',
    ]);
    expect(parseBackupCodes('abcd-1234 efgh-5678').codes).toEqual(['abcd-1234', 'efgh-5678']);
  });

  it('pairs groups on one line, drops numbering and bullets, and counts a repeated code once', () => {
    expect(parseBackupCodes('1. 1234 5678  2. 2345 6789\n• 1234 5678\n- 9999 0000').codes).toEqual([
      '1234 5678',
      '2345 6789',
      '9999 0000',
    ]);
    expect(parseBackupCodes('1234 5678 2345 6789').codes).toEqual(['1234 5678', '2345 6789']);
  });

  it('says what it could not read as a code', () => {
    expect(parseBackupCodes('Backup codes:\n1234 5678')).toEqual({
      codes: ['1234 5678'],
      ignored: ['Backup', 'codes:'],
    });
    expect(parseBackupCodes('   ')).toEqual({ codes: [], ignored: [] });
  });
});
