import { reportQuery } from '@twostep/shared';
import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { ApiError } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { findingsCsvStream, loadAllFindings, loadReport, reportBody } from '../services/report.ts';
import { decodeFindingCursor } from '../services/report-findings.ts';

export const reportRoutes = new Hono<AppEnv>()
  .use(requireMember, requireRole('lead'))
  .get('/two-step', valid('query', reportQuery), async (c) => {
    const { db, clock } = c.var.deps;
    const { limit, cursor, ...filters } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeFindingCursor(cursor);
    if (after === null) throw new ApiError('invalid_request', 'cursor: use the `next` value of the previous page.');
    const report = await loadReport(db, c.var.member.teamId, clock.now(), { filters, after, limit });
    return c.json(reportBody(report), 200);
  })

  .get('/two-step.csv', async (c) => {
    const { db, clock } = c.var.deps;
    const now = clock.now();
    const rows = await loadAllFindings(db, c.var.member.teamId, now);
    const filename = `twostep-report-${new Date(now).toISOString().slice(0, 10)}.csv`;
    return c.body(findingsCsvStream(rows), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
    });
  });
