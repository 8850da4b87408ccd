import { type Account, limits, platformNames } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import { problemText } from '@/views/problem-text.ts';
import type { FindingView } from './findings.tsx';
import { count, countsOnly, day, kindLabels, percent } from './labels.ts';
import { routeHash, type SectionProps } from './route.ts';

type Loaded = {
  client: string;
  counts: { accounts: number; on: number; pending: number; off: number };
  accounts: Account[];
  findings: FindingView[];
  at: string;
};

/** Every page of a list, one request a page (a client's accounts and findings: a printed report holds them all). */
async function allPages<T>(load: (cursor?: string) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await load(cursor);
    items.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return items;
}

const statusText = { on: 'On', pending: 'Pending', off: 'Off' } as const;

/** The report an agency sends its client: one client's accounts, their protection and open findings, dated. */
export function ClientReport({ ask, params, members }: SectionProps) {
  const client = params.client ?? '';
  const [clients, setClients] = useState<string[]>([]);
  const [typed, setTyped] = useState(client);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    ask('dashboard.report', countsOnly).then((reply) => {
      if (reply.ok) setClients(reply.data.byClient.flatMap((row) => (row.client ? [row.client] : [])));
    });
  }, [ask]);

  useEffect(() => {
    setLoaded(null);
    setError('');
    if (!client) return;
    const fail = (problem: Parameters<typeof problemText>[0]) => {
      throw new Error(problemText(problem));
    };
    (async () => {
      const first = await ask('dashboard.report', { client, limit: limits.listMax });
      if (!first.ok) return fail(first.problem);
      const row = first.data.byClient.find((each) => each.client?.toLowerCase() === client.toLowerCase());
      const findings = await allPages<FindingView>(async (cursor) => {
        if (!cursor) return { items: first.data.findings, next: first.data.next };
        const reply = await ask('dashboard.report', { client, cursor, limit: limits.listMax });
        return reply.ok ? { items: reply.data.findings, next: reply.data.next } : fail(reply.problem);
      });
      const accounts = await allPages<Account>(async (cursor) => {
        const reply = await ask('dashboard.accounts', { client, cursor, limit: limits.listMax });
        return reply.ok ? { items: reply.data.accounts, next: reply.data.next } : fail(reply.problem);
      });
      setLoaded({
        client: row?.client ?? client,
        counts: row ?? { accounts: 0, on: 0, pending: 0, off: 0 },
        accounts,
        findings,
        at: new Date().toISOString(),
      });
    })().catch((problem: Error) => setError(problem.message));
  }, [ask, client]);

  return (
    <section class="stack client-report" aria-labelledby="report-title">
      <form
        class="filters no-print"
        onSubmit={(event) => {
          event.preventDefault();
          location.hash = routeHash('report', { client: typed.trim() });
        }}
      >
        <label>
          Client
          <input list="clients" value={typed} required onInput={(e) => setTyped(e.currentTarget.value)} />
          <datalist id="clients">
            {clients.slice(0, 500).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <button type="submit">Show report</button>
        {loaded && (
          <button type="button" class="primary" onClick={() => window.print()}>
            Print or save as PDF
          </button>
        )}
      </form>
      {!client && <p class="no-print">Pick a client: the report lists its accounts and prints cleanly to PDF.</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {client && !loaded && !error && <p class="meta">Loading the report for {client}…</p>}
      {loaded && <Printable report={loaded} active={new Set(members.map((member) => member.id))} />}
    </section>
  );
}

function Printable({ report, active }: { report: Loaded; active: Set<string> }) {
  const { counts } = report;
  return (
    <article class="printable">
      <header>
        <h2 id="report-title">Two-step report: {report.client}</h2>
        <p class="meta">As of {new Date(report.at).toUTCString().replace(' GMT', ' UTC')}</p>
      </header>
      <p class="coverage-line">
        <strong class="coverage-share">{percent(counts.accounts ? counts.on / counts.accounts : 0)}</strong> of{' '}
        {count(counts.accounts)} accounts have two-step on · {count(counts.on)} on · {count(counts.pending)} pending ·{' '}
        {count(counts.off)} off
      </p>
      <h3>Accounts</h3>
      <table class="table">
        <thead>
          <tr>
            <th>Account</th>
            <th>Two-step</th>
            <th>Number</th>
            <th>Phone held by</th>
            <th>Last code entered</th>
          </tr>
        </thead>
        <tbody>
          {report.accounts.map((account) => (
            <tr key={account.id}>
              <td>
                @{account.handle} <span class="meta">{platformNames[account.platform]}</span>
              </td>
              <td class={`status-${account.twoStep.status}`}>{statusText[account.twoStep.status]}</td>
              <td class="mono">{account.twoStep.phone?.masked ?? '—'}</td>
              <td>
                {account.twoStep.phone?.holder?.name ?? '—'}
                {active.size > 0 &&
                  account.twoStep.phone?.holder?.memberId &&
                  !active.has(account.twoStep.phone.holder.memberId) && <span class="flag"> (left the team)</span>}
              </td>
              <td>{day(account.twoStep.verifiedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Open findings ({count(report.findings.length)})</h3>
      {report.findings.length === 0 ? (
        <p>None: every account is protected as it should be.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Kind</th>
              <th>Finding</th>
            </tr>
          </thead>
          <tbody>
            {report.findings.map((finding, i) => (
              <tr key={`${finding.kind}-${i}`}>
                <td>
                  <span class={`sev sev-${finding.severity}`}>{finding.severity}</span>
                </td>
                <td>{kindLabels[finding.kind]}</td>
                <td>{finding.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <footer class="meta">Prepared with Twostep on {day(report.at)}.</footer>
    </article>
  );
}
