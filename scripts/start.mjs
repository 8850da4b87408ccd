// `npm start`: builds the extension for Chrome, then serves the API on the embedded libSQL file with the
// outbox SMS provider (unless the environment says otherwise), and says where both are.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build:chrome', '-w', 'extension'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const extension = resolve('extension/.output/chrome-mv3');
const host = process.env.HOST ?? '127.0.0.1';
const port = process.env.PORT ?? '8787';
console.log(`
Extension: load ${extension}
           in chrome://extensions (Developer mode → Load unpacked).
API:       http://${host}:${port} (database ${process.env.DATABASE_URL ?? 'file:./data/twostep.db'}, SMS ${process.env.SMS_PROVIDER ?? 'outbox'})
`);

const server = spawn(npm, ['run', 'serve'], {
  stdio: 'inherit',
  env: { ...process.env, SMS_PROVIDER: process.env.SMS_PROVIDER ?? 'outbox' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));

// Once the API answers, the next step: a server without a team is set up from the popup.
const api = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
async function nextStep() {
  for (let tries = 0; tries < 100; tries++) {
    await new Promise((tick) => setTimeout(tick, 300));
    const health = await fetch(`${api}/v1/health`)
      .then((answer) => answer.json())
      .catch(() => null);
    if (!health?.ok) continue;
    console.log(
      health.setUp === false
        ? `\nNext: click Twostep in the toolbar. This server has no team yet: the popup offers "Set up your team"\n(team name, your name, email, password); you become its owner and are signed in.\n`
        : `\nNext: click Twostep in the toolbar and sign in (server ${api}), or join with "I have an invite".\n`,
    );
    return;
  }
}
void nextStep();
server.on('exit', (code) => process.exit(code ?? 0));
