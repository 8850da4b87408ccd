import {
  type Finding,
  type FindingKind,
  type Platform,
  platformNames,
  platforms,
  type Severity,
} from '@twostep/shared';
import type { FindingFilter } from '@/messages/dashboard-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { findingKinds, kindLabels, severities } from './labels.ts';
import { itemsOf, Pager, pageOf, usePaged } from './paged.tsx';
import { PlatformSelect } from './platform-select.tsx';
import { routeHash } from './route.ts';

/** A finding as the API lists it; where it names an account, also its handle, platform and client. */
export type FindingView = Finding;
const pageSize = 50;

export function filterFrom(params: Record<string, string>): FindingFilter {
  return {
    kind: findingKinds.includes(params.kind as FindingKind) ? (params.kind as FindingKind) : undefined,
    severity: severities.includes(params.severity as Severity) ? (params.severity as Severity) : undefined,
    platform: platforms.includes(params.platform as Platform) ? (params.platform as Platform) : undefined,
    client: params.client || undefined,
  };
}

function Where({ finding }: { finding: FindingView }) {
  if (finding.accountId)
    return (
      <a href={routeHash('account', { id: finding.accountId })}>
        {finding.handle ? `@${finding.handle}` : 'Open account'}
        {finding.platform ? ` · ${platformNames[finding.platform as Platform] ?? finding.platform}` : ''}
      </a>
    );
  if (finding.phoneId)
    return <a href={routeHash('phones', { q: finding.phone?.slice(-4) ?? '' })}>{finding.phone ?? 'Phone'}</a>;
  return <span class="meta">Member</span>;
}

/** The findings, one page at a time from the API, filtered there: kind, severity, platform, client. */
export function Findings({ ask, params }: { ask: Ask; params: Record<string, string> }) {
  const filter = filterFrom(params);
  const key = JSON.stringify(filter);
  const paged = usePaged<FindingView>(key, async (cursor) =>
    pageOf(
      await ask('dashboard.report', { ...filter, cursor, limit: pageSize }),
      (data: { findings: FindingView[]; next: string | null }) => ({
        items: data.findings,
        next: data.next,
      }),
    ),
  );
  const set = (change: Partial<FindingFilter>) => {
    location.hash = routeHash('findings', { ...filter, ...change });
  };
  const findings = itemsOf(paged);

  return (
    <section class="stack" aria-labelledby="findings-title">
      <h2 id="findings-title">Findings</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Kind
          <select
            value={filter.kind ?? ''}
            onChange={(e) => set({ kind: (e.currentTarget.value || undefined) as FindingKind })}
          >
            <option value="">Any</option>
            {findingKinds.map((kind) => (
              <option key={kind} value={kind}>
                {kindLabels[kind]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select
            value={filter.severity ?? ''}
            onChange={(e) => set({ severity: (e.currentTarget.value || undefined) as Severity })}
          >
            <option value="">Any</option>
            {severities.map((severity) => (
              <option key={severity} value={severity}>
                {severity}
              </option>
            ))}
          </select>
        </label>
        <PlatformSelect label="Platform" value={filter.platform} onPlatform={(platform) => set({ platform })} />
        <label>
          Client
          <input
            type="search"
            value={filter.client ?? ''}
            placeholder="Exact name"
            onChange={(e) => set({ client: e.currentTarget.value.trim() || undefined })}
          />
        </label>
        {key !== '{}' && (
          <a class="link" href={routeHash('findings')}>
            Clear filters
          </a>
        )}
      </form>
      <table class="table" aria-label="Findings">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Kind</th>
            <th>Account or phone</th>
            <th>Client</th>
            <th>Finding</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((finding, i) => (
            <tr key={`${finding.kind}-${finding.accountId ?? finding.phoneId ?? finding.memberId}-${i}`}>
              <td>
                <span class={`sev sev-${finding.severity}`}>{finding.severity}</span>
              </td>
              <td>{kindLabels[finding.kind] ?? finding.kind}</td>
              <td>
                <Where finding={finding} />
              </td>
              <td>{finding.client ?? ''}</td>
              <td>{finding.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} noun="findings" />
    </section>
  );
}
