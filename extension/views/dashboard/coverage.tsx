import { platformNames } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import type { ReportPage } from '@/messages/dashboard-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import type { Problem } from '@/messages/problem.ts';
import { problemText } from '@/views/problem-text.ts';
import { BarChart } from './bar-chart.tsx';
import { count, countsOnly, percent, severities } from './labels.ts';
import { routeHash } from './route.ts';

const topClients = 12;

/** The first screen: the share of accounts with two-step on, the counts, and where the gaps are. */
export function Coverage({ ask }: { ask: Ask }) {
  const [report, setReport] = useState<ReportPage | Problem | null>(null);
  useEffect(() => {
    ask('dashboard.report', countsOnly).then((reply) => setReport(reply.ok ? reply.data : reply.problem));
  }, [ask]);

  if (!report) return <p class="meta">Loading the report…</p>;
  if ('code' in report)
    return (
      <p class="error" role="alert">
        {problemText(report)}
      </p>
    );
  const { summary, byPlatform, byClient, findingCounts } = report;
  const bySeverity = severities.map((severity) => ({
    severity,
    n: findingCounts.filter((each) => each.severity === severity).reduce((sum, each) => sum + each.count, 0),
  }));
  const clients = [...byClient].sort((a, b) => b.off - a.off || b.accounts - a.accounts).slice(0, topClients);
  const go = (params: Record<string, string>) => {
    location.hash = routeHash('findings', params);
  };

  return (
    <section class="stack" aria-labelledby="coverage-title">
      <h2 id="coverage-title">Coverage</h2>
      <div class="tiles">
        <div class="tile big">
          <span class="share" data-testid="coverage-share">
            {percent(summary.coverage)}
          </span>
          <span class="meta">of {count(summary.accounts)} accounts have two-step on</span>
        </div>
        <div class="tile on">
          <strong data-testid="count-on">{count(summary.on)}</strong> on
        </div>
        <a class="tile pending" href={routeHash('findings', { kind: 'two_step_pending' })}>
          <strong data-testid="count-pending">{count(summary.pending)}</strong> pending
        </a>
        <a class="tile off" href={routeHash('findings', { kind: 'two_step_off' })}>
          <strong data-testid="count-off">{count(summary.off)}</strong> off
        </a>
      </div>
      <p class="meta">
        Findings:{' '}
        {bySeverity.map(({ severity, n }) => (
          <a key={severity} class={`sev sev-${severity}`} href={routeHash('findings', { severity })}>
            {count(n)} {severity}
          </a>
        ))}
      </p>
      <div class="charts">
        <BarChart
          title="By platform"
          bars={byPlatform.map((row) => ({ ...row, key: row.platform, label: platformNames[row.platform] }))}
          onPick={(bar) => go({ platform: bar.key })}
        />
        <BarChart
          title={
            byClient.length > topClients
              ? `By client: the ${topClients} with most off, of ${count(byClient.length)}`
              : 'By client'
          }
          bars={clients.map((row) => ({ ...row, key: row.client ?? '', label: row.client ?? '(no client)' }))}
          onPick={(bar) => go(bar.key ? { client: bar.key } : {})}
        />
      </div>
      <p class="legend meta">
        <span class="swatch seg-on" /> on <span class="swatch seg-pending" /> pending <span class="swatch seg-off" />{' '}
        off. Click a bar to see its findings.
      </p>
    </section>
  );
}
