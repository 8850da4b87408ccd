import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone } from '../seed.ts';

const header = 'platform,handle,client,loginName,phone,phoneHolder';

function importCsv(h: Harness, body: string, token = h.owner.token) {
  return h.call('POST', '/v1/accounts/import', { token, body, headers: { 'Content-Type': 'text/csv' } });
}

const lines = (...rows: string[]) => `${[header, ...rows].join('\n')}\n`;

async function accountByHandle(h: Harness, handle: string) {
  const list = await h.call('GET', `/v1/accounts?q=${handle}`, { token: h.owner.token });
  return list.body.accounts.find((account: { handle: string }) => account.handle === handle);
}

describe('importing accounts from CSV', () => {
  it('creates new rows, skips existing platform+handle pairs and reports bad rows by line', async () => {
    const h = await makeHarness();
    await h.addAccount({ platform: 'instagram', handle: 'taken' });
    const response = await importCsv(
      h,
      lines(
        'instagram,@NewBrand,Acme,brand.login,,',
        'instagram,taken,Acme,,,',
        'myspace,oldschool,,,,',
        'tiktok,bad handle!,,,,',
        'x,fine,,,+49 30 12345678,',
        'instagram,newbrand,Dupe in file,,,',
        'x,toomany,,,,,extra',
        'youtube,lastone,Bolt,,,',
      ),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      created: 2,
      skipped: 2,
      errors: [
        { line: 4, message: expect.stringMatching(/^platform: /) },
        { line: 5, message: 'handle: A handle is letters, digits, dot, dash or underscore.' },
        { line: 6, message: 'phone: That is not a valid mobile number.' },
        { line: 8, message: 'Expected 6 fields like the header, found 7.' },
      ],
    });
    expect(await accountByHandle(h, 'newbrand')).toMatchObject({
      platform: 'instagram',
      client: 'Acme',
      loginName: 'brand.login',
      twoStep: { status: 'off', phone: null },
    });
    const handles = await h.query<{ handle: string }>('SELECT handle FROM accounts ORDER BY handle');
    expect(handles.map((row) => row.handle)).toEqual(['lastone', 'newbrand', 'taken']);
    const events = await h.query<{ action: string; actor: string }>(
      "SELECT action, actor FROM events WHERE action LIKE 'account.%' OR action LIKE 'phone.%'",
    );
    expect(events).toEqual([
      { action: 'account.created', actor: h.owner.id },
      { action: 'account.created', actor: h.owner.id },
      { action: 'account.created', actor: h.owner.id },
    ]);
  });

  it('makes every spelling of a number one phone, reuses a phone on file, and turns two-step on with it', async () => {
    const h = await makeHarness();
    const mia = await h.addMember('member', 'Mia Holder');
    const onFile = await addPhone(h, { number: '+4915199999999', label: 'Team SIM' });
    const response = await importCsv(
      h,
      lines(
        'instagram,one,,,+49 151 23456789,Mia Holder',
        'tiktok,two,,,0049 1512 3456789,someone else',
        'facebook,three,,,+4915123456789,',
        `x,four,,,+49 151 99999999,${mia.email.toUpperCase()}`,
        'linkedin,five,,,+4915111111111,Client Carla',
        'youtube,six,,,+4915122222222,MIA HOLDER',
      ),
    );
    expect(response.body).toEqual({ created: 6, skipped: 0, errors: [] });
    const phones = await h.query<{
      id: string;
      number: string;
      holder_member_id: string | null;
      holder_name: string | null;
    }>('SELECT id, number, holder_member_id, holder_name FROM phones ORDER BY number');
    expect(phones.map(({ id: _, ...phone }) => phone)).toEqual([
      { number: '+4915111111111', holder_member_id: null, holder_name: 'Client Carla' },
      { number: '+4915122222222', holder_member_id: mia.id, holder_name: null },
      { number: '+4915123456789', holder_member_id: mia.id, holder_name: null },
      { number: '+4915199999999', holder_member_id: null, holder_name: null },
    ]);
    const one = await accountByHandle(h, 'one');
    expect(one.twoStep).toEqual({
      status: 'on',
      phone: {
        id: phones[2]!.id,
        masked: '+49 ••• ••• 6789',
        label: null,
        holder: { memberId: mia.id, name: 'Mia Holder' },
      },
      verifiedAt: null,
    });
    for (const handle of ['two', 'three'])
      expect((await accountByHandle(h, handle)).twoStep.phone.id).toBe(phones[2]!.id);
    expect((await accountByHandle(h, 'four')).twoStep.phone).toMatchObject({
      id: onFile.id,
      label: 'Team SIM',
      holder: null,
    });
    const created = await h.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE action = 'phone.created'");
    expect(Number(created[0]!.n)).toBe(1 + 3);
    const enabled = await h.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE action = 'two_step.enabled'");
    expect(Number(enabled[0]!.n)).toBe(6);
  });

  it('lets imported data share a number on one platform, and the report shows it', async () => {
    const h = await makeHarness();
    const response = await importCsv(
      h,
      lines('instagram,first,,,+4915123456789,', 'instagram,second,,,+4915123456789,'),
    );
    expect(response.body).toEqual({ created: 2, skipped: 0, errors: [] });
    const report = await h.call('GET', '/v1/reports/two-step', { token: h.owner.token });
    const kinds = report.body.findings.map((f: { kind: string; accountId?: string }) => f.kind).sort();
    expect(kinds).toEqual([
      'backup_codes_missing',
      'backup_codes_missing',
      'number_shared_on_platform',
      'number_shared_on_platform',
      'number_unverified_90d',
      'number_unverified_90d',
    ]);
    expect(report.body.summary).toEqual({ accounts: 2, on: 2, pending: 0, off: 0, coverage: 1 });
  });

  it('answers 400 naming the header when it is missing or wrong, and accepts its columns in any order', async () => {
    const h = await makeHarness();
    for (const body of [
      '',
      '\n\n',
      'instagram,a,,,,\n',
      'platform,handle,client,loginName,phone\n',
      `${header},notes\n`,
      'platform;handle\n',
      '"platform,handle\n',
    ]) {
      const response = await importCsv(h, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', expectedHeader: header });
      expect(response.body.error.message).toContain(header);
    }
    const reordered = await importCsv(h, 'Handle, PLATFORM ,phoneHolder,phone,loginName,client\nshop,x,,,,Acme\n');
    expect(reordered.body).toEqual({ created: 1, skipped: 0, errors: [] });
    expect(await accountByHandle(h, 'shop')).toMatchObject({ platform: 'x', client: 'Acme' });
  });

  it('takes at most 5,000 rows: 5,001 is 413 and writes nothing, 5,000 all import', async () => {
    const h = await makeHarness();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `tiktok,bulk${i},Client ${i % 7},,,`);
    const tooMany = await importCsv(h, lines(...rows(5001)));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: 'payload_too_large', maxRows: 5000 });
    expect(await h.query('SELECT id FROM accounts')).toEqual([]);
    const full = await importCsv(h, lines(...rows(5000)));
    expect(full.body).toEqual({ created: 5000, skipped: 0, errors: [] });
    const again = await importCsv(h, lines(...rows(5000)));
    expect(again.body).toEqual({ created: 0, skipped: 5000, errors: [] });
  });

  it('is for leads: a member gets 403, an anonymous caller 401, a JSON body 415', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const refused = await importCsv(h, lines('x,a,,,,'), member.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(
      (await h.call('POST', '/v1/accounts/import', { body: lines('x,a,,,,'), headers: { 'Content-Type': 'text/csv' } }))
        .status,
    ).toBe(401);
    const json = await h.call('POST', '/v1/accounts/import', { token: h.owner.token, body: { rows: [] } });
    expect(json.status).toBe(415);
    const lead = await h.addMember('lead');
    expect((await importCsv(h, lines('x,a,,,,'), lead.token)).body).toEqual({ created: 1, skipped: 0, errors: [] });
    expect(await h.query('SELECT id FROM accounts')).toHaveLength(1);
  });
});

describe('reading messy CSV', () => {
  it('copes with quotes, embedded line breaks, a BOM, CRLF, empty lines and blank rows', async () => {
    const h = await makeHarness();
    const body = [
      `\uFEFF${header}`,
      'instagram,quoted,"Acme, Inc. ""the best""",,,',
      '',
      'tiktok,multi,"Line one',
      'line two",,,',
      ',,,,,',
      '   ',
      '  facebook , spaced ,  Bolt  ,,,',
      'youtube,last,,,,',
      'linkedin,open,"never closed,,,,',
      'other,swallowed,,,,',
    ].join('\r\n');
    const response = await importCsv(h, body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      created: 3,
      skipped: 0,
      errors: [
        // A record may span lines; a client is one line of text, so this one is refused where it starts.
        { line: 4, message: 'client: Use one line of text without control characters.' },
        {
          line: 10,
          message:
            'A quoted field is not closed: every " that opens a field needs one that closes it. It runs on to line 11, so lines 10 to 11 were not imported.',
        },
      ],
    });
    expect(await accountByHandle(h, 'quoted')).toMatchObject({ client: 'Acme, Inc. "the best"' });
    expect(await accountByHandle(h, 'spaced')).toMatchObject({ platform: 'facebook', client: 'Bolt' });
    expect(await accountByHandle(h, 'last')).toMatchObject({ platform: 'youtube' });
  });

  it('reports a stray quote at the line where it starts, and the lines the parser took with it', async () => {
    const h = await makeHarness();
    const response = await importCsv(
      h,
      lines('x,"bad"quote,,,,', 'youtube,taken,,,,', 'x,also"fine,,,,', 'x,"ok",,,,'),
    );
    expect(response.body).toEqual({
      created: 0,
      skipped: 0,
      errors: [
        { line: 2, message: expect.stringMatching(/^A quote inside a field must be doubled.*It runs on to line 5/) },
      ],
    });
    const plain = await importCsv(h, lines('x,"good",,,,', 'x,"bad"quote,,,,'));
    expect(plain.body).toEqual({
      created: 1,
      skipped: 0,
      errors: [{ line: 3, message: 'A quote inside a field must be doubled ("") and the whole field put in quotes.' }],
    });
  });

  it('never answers 5xx to odd input', async () => {
    const h = await makeHarness();
    const odd = [
      '\uFEFF',
      '\r\n\r\n',
      `${header}\n"`,
      `${header}\n${'"'.repeat(101)}`,
      `${header}\r${'x,y,,,,\r'.repeat(3)}`,
      `${header}\n\u0000,\u0000,,,,`,
      `${header}\ninstagram,a,,,+49,\u202e`,
      `${header}\n${',,,,,'.repeat(50)}`,
    ];
    for (const body of odd) {
      const response = await importCsv(h, body);
      expect(response.status, JSON.stringify(body)).toBeLessThan(500);
    }
  });
});
