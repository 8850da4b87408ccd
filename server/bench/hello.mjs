// The framework ceiling: a bare Hono hello-world on the same adapter as the Twostep server.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) }, (info) =>
  console.log(`listening on http://127.0.0.1:${info.port}`),
);
