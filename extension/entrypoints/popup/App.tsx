import { useState } from 'preact/hooks';

type Health =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ok'; version: string }
  | { state: 'error'; message: string };

/** First screen: which Twostep server to talk to. Sign-in and the account list arrive with the extension issue. */
export function App() {
  const [url, setUrl] = useState('http://127.0.0.1:8787');
  const [health, setHealth] = useState<Health>({ state: 'idle' });

  async function check(event: Event) {
    event.preventDefault();
    setHealth({ state: 'checking' });
    try {
      const response = await fetch(new URL('/v1/health', url));
      const body = (await response.json()) as { version?: string };
      setHealth(
        response.ok
          ? { state: 'ok', version: body.version ?? '?' }
          : { state: 'error', message: `HTTP ${response.status}` },
      );
    } catch {
      setHealth({ state: 'error', message: 'No Twostep server answers at that address.' });
    }
  }

  return (
    <main style={{ font: '14px system-ui', padding: 16, width: 320 }}>
      <h1 style={{ fontSize: 16, margin: '0 0 12px' }}>Twostep</h1>
      <form onSubmit={check}>
        <label for="server">Server</label>
        <input
          id="server"
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          style={{ width: '100%' }}
          autoFocus
        />
        <button type="submit" disabled={health.state === 'checking'}>
          Connect
        </button>
      </form>
      <p role="status">
        {health.state === 'checking' && 'Checking…'}
        {health.state === 'ok' && `Connected to Twostep ${health.version}.`}
        {health.state === 'error' && health.message}
      </p>
    </main>
  );
}
