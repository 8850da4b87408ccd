// Runs autocannon in its own process (so the load generator does not share the event loop it measures):
// argv[2] is a file holding the JSON options. A `list` of requests is handed out in turn across all connections, so each one
// is sent once per round (distinct challenges, distinct accounts). Prints the result's figures as JSON.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { list, ...options } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
const requests = list ? [{ setupRequest: (request) => ({ ...request, ...list[next++ % list.length] }) }] : undefined;
const result = await autocannon({ ...options, requests, renderProgressBar: false, renderLatencyTable: false });
console.log(
  JSON.stringify({
    // Answers over the run's own duration: the average of whole-second buckets is coarse for a run of a few
    // seconds (a 6.4 s run of 3,200 answers would read 457, 533 or 640 by where its seconds fell).
    rps: result.requests.total / result.duration,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  }),
);
