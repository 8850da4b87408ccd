// Runs autocannon in its own process (so the load generator does not share the event loop it measures):
// argv[2] is a file holding the JSON options. A `list` of requests is handed out in turn across all connections, so each one
// is sent once per round (distinct challenges, distinct accounts). Prints the result's figures as JSON.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { list, ...options } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
const requests = list ? [{ setupRequest: (request) => ({ ...request, ...list[next++ % list.length] }) }] : undefined;
const started = performance.now();
const instance = autocannon({ ...options, requests, renderProgressBar: false, renderLatencyTable: false });
let lastAnswer = started;
instance.on('response', () => {
  lastAnswer = performance.now();
});
const result = await instance;
console.log(
  JSON.stringify({
    // Answers over the time from the start to the last answer. autocannon's own figures are coarse for a run of a
    // few seconds: its average is of whole-second buckets, and a run of a fixed number of requests ends at the next
    // one-second tick after its last answer (its `duration` runs on to it: 1,000 sends in 3.2 s read as 4.0 s).
    rps: result.requests.total / ((lastAnswer - started) / 1000),
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  }),
);
