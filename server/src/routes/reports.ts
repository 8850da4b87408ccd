import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { findingsCsv, loadReport, reportBody } from '../services/report.ts';

export const reportRoutes = new Hono<AppEnv>()
  .use(requireMember, requireRole('lead'))
  .get('/two-step', async (c) => {
    const { db, clock } = c.var.deps;
    const report = await loadReport(db, c.var.member.teamId, clock.now());
    return c.json(reportBody(report), 200);
  })

  .get('/two-step.csv', async (c) => {
    const { db, clock } = c.var.deps;
    const now = clock.now();
    const report = await loadReport(db, c.var.member.teamId, now);
    const filename = `twostep-report-${new Date(now).toISOString().slice(0, 10)}.csv`;
    return c.body(findingsCsv(report.rows), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
    });
  });
