/**
 * Mapping generic JSON bodies by JSON pointers (`npm run bench -- generic`): the per-request work of
 * POST /webhooks/generic/<id> before ingest, on the largest body it takes (1,000 alerts). Pure, no database.
 */
import { cpus, loadavg } from 'node:os';
import { GENERIC_BATCH_MAX, mapGeneric, type GenericMapping } from '../src/alerts/generic.js';
import { percentile, type Row } from './server.js';

export const GENERIC_HEADING = '## Generic JSON sources';

const RUNS = 200;
const WARM_UP = 20;

const SENTRY: GenericMapping = {
  fields: {
    title: '/data/issue/title',
    group: '/data/issue/id',
    status: '/data/issue/status',
    severity: '/data/issue/level',
    labels: '/data/issue/tags',
    link: '/data/issue/permalink',
  },
  resolvedWhen: ['resolved'],
};

function body(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    action: 'created',
    data: {
      issue: {
        id: String(4_000_000 + (i % 50)),
        title: `TypeError: Cannot read properties of undefined (reading "amount") #${i}`,
        status: i % 10 === 0 ? 'resolved' : 'unresolved',
        level: i % 3 === 0 ? 'fatal' : 'error',
        permalink: `https://sentry.example.com/organizations/acme/issues/${i}/`,
        tags: [['environment', 'production'], ['release', `payments@1.4.${i % 7}`], { key: 'server_name', value: `web-${i % 12}` }],
      },
    },
  }));
}

function times(run: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < RUNS + WARM_UP; i++) {
    const started = performance.now();
    run();
    if (i >= WARM_UP) out.push(performance.now() - started);
  }
  return out;
}

/** The mapping's times on a one-alert and a 1,000-alert body, and the alerts a second that makes. */
export function genericBenchmarks(): { rows: Row[]; notes: string[] } {
  const now = new Date();
  const one = body(1)[0];
  const many = body(GENERIC_BATCH_MAX);
  const single = times(() => mapGeneric(one, SENTRY, now));
  const batch = times(() => mapGeneric(many, SENTRY, now));
  const median = percentile(batch, 50);
  return {
    rows: [
      {
        what: 'map one Sentry-shaped alert',
        n: single.length,
        median: percentile(single, 50),
        p99: percentile(single, 99),
        target: 'p99 < 1 ms',
        ok: percentile(single, 99) < 1,
      },
      {
        what: `map a body of ${GENERIC_BATCH_MAX} alerts (50 groups)`,
        n: batch.length,
        median,
        p99: percentile(batch, 99),
        target: 'p99 < 50 ms',
        ok: percentile(batch, 99) < 50,
      },
    ],
    notes: [
      `${Math.round((GENERIC_BATCH_MAX / median) * 1000).toLocaleString('en')} alerts a second mapped at the median, one core; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores at the end.`,
    ],
  };
}
