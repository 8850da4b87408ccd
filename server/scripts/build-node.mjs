// The Node server compiled for production: one ES module at server/dist/node.js that plain `node` runs, with
// no TypeScript loader. @libsql/client and libsql stay outside (they load a native binding); everything else is bundled.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/node.ts', import.meta.url).pathname],
  outfile: new URL('../dist/node.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@libsql/client', 'libsql'],
  // client.ts finds the migrations from its own file; in the bundle that file is dist/node.js.
  define: { TWOSTEP_MIGRATIONS: '"../migrations"' },
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as twostepRequire } from 'node:module'; const require = twostepRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
