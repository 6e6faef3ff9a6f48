/**
 * An alert storm under Slack's real rate limits: 50 alert groups at once, each opening an incident, with the
 * emulator's rate tiers on. Slack allows about 20 channel creations, pins and topic changes a minute (Tier 2),
 * so the figure is minutes, not seconds: it tells users how long a storm's channels take to appear, and checks
 * that nothing is lost or done twice on the way (every 429 is retried after its Retry-After).
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { incidents } from '../src/db/schema.js';
import { ANNOUNCE, startApp, startEmulator, testConfig } from '../test/support/app.js';
import type { RecordedCall } from '../test/support/slack-emulator/index.js';
import { percentile, type Row } from './server.js';

const STORM_TOKEN = 'bench-storm-token-0123456789';
const INCIDENTS = 50;
const DEADLINE_MS = 20 * 60_000;

function stormPayload(run: string, group: number) {
  return {
    version: '4',
    groupKey: `{}:{alertname="Storm${run}Group${group}"}`,
    status: 'firing',
    receiver: 'firewatch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: { summary: `Storm ${run} group ${group}` },
    externalURL: 'http://am',
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: `Storm${run}Group${group}`, instance: `host-${group}`, severity: 'critical' },
        annotations: { summary: `Storm ${run} group ${group}` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example/graph',
        fingerprint: `storm-${run}-${group}`,
      },
    ],
  };
}

export interface StormResult {
  rows: Row[];
  /** What the table does not say: counts, 429s, and how long until the last of everything. */
  notes: string[];
}

export async function alertStorm(database: Database): Promise<StormResult> {
  const emu = await startEmulator({ rateLimits: true });
  const app = await startApp(
    emu,
    database,
    testConfig({ integrations: [{ id: 'storm', type: 'alertmanager', token: STORM_TOKEN, rate_limit: 100_000_000 }] }),
  );
  try {
    const run = String(process.pid);
    const titles = Array.from({ length: INCIDENTS }, (_, g) => `Storm ${run} group ${g}`);
    const started = Date.now();
    await Promise.all(
      titles.map(async (_, g) => {
        const r = await fetch(`${app.url}/webhooks/alertmanager/storm`, {
          method: 'POST',
          headers: { authorization: `Bearer ${STORM_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(stormPayload(run, g)),
        });
        await r.arrayBuffer();
        if (r.status !== 202) throw new Error(`the storm's alert ${g} was answered ${r.status}`);
      }),
    );
    const opened = await database.db.select().from(incidents).where(inArray(incidents.title, titles));
    if (opened.length !== INCIDENTS) throw new Error(`${INCIDENTS} alert groups opened ${opened.length} incidents`);
    const ids = opened.map((i) => i.id);

    const okCalls = (method: string) => emu.calls.filter((c) => c.method === method && c.ok);
    const mentions = (c: RecordedCall, id: number) => new RegExp(`INC-${id}(?!\\d)`).test(JSON.stringify(c.args));
    const createdAt = new Map<number, number>();
    const pinnedAt = new Map<number, number>();
    const announcedAt = new Map<number, number>();
    for (;;) {
      const rows = await database.db.select().from(incidents).where(inArray(incidents.id, ids));
      for (const row of rows) {
        if (!row.channelId) continue;
        const create = okCalls('conversations.create').find(
          (c) => (c.response as { channel?: { id?: string } }).channel?.id === row.channelId,
        );
        if (create && !createdAt.has(row.id)) createdAt.set(row.id, create.at - started);
        const pin = okCalls('pins.add').find((c) => c.args.channel === row.channelId && c.args.timestamp === row.summaryTs);
        if (pin && !pinnedAt.has(row.id)) pinnedAt.set(row.id, pin.at - started);
        const announce = okCalls('chat.postMessage').find((c) => c.args.channel === ANNOUNCE && mentions(c, row.id));
        if (announce && !announcedAt.has(row.id)) announcedAt.set(row.id, announce.at - started);
      }
      if ([createdAt, pinnedAt, announcedAt].every((m) => m.size === INCIDENTS)) break;
      if (Date.now() - started > DEADLINE_MS) {
        throw new Error(
          `after ${DEADLINE_MS / 60_000} min: ${createdAt.size} channels, ${pinnedAt.size} pins, ${announcedAt.size} announcements of ${INCIDENTS}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    // A moment for anything that would be done twice (a retried create or post) to show.
    await new Promise((r) => setTimeout(r, 5_000));

    const rows = await database.db.select().from(incidents).where(inArray(incidents.id, ids));
    const channels = new Set(rows.map((r) => r.channelId));
    const creates = okCalls('conversations.create').filter((c) =>
      channels.has((c.response as { channel?: { id?: string } }).channel?.id ?? null),
    ).length;
    const stormChannels = [...emu.channels.values()].filter((c) => /^inc-\d+-storm-/.test(c.name)).length;
    const pins = emu.pins.filter((p) => channels.has(p.channel)).length;
    const announcements = emu
      .messagesIn(ANNOUNCE)
      .filter((m) => ids.some((id) => new RegExp(`INC-${id}(?!\\d)`).test(emu.textOf(m)))).length;
    const refused = emu.calls.filter((c) => c.status === 429);
    const byMethod = new Map<string, number>();
    for (const c of refused) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
    const exact = stormChannels === INCIDENTS && creates === INCIDENTS && pins === INCIDENTS && announcements === INCIDENTS;

    const row = (what: string, times: Map<number, number>, target = '', ok = true): Row => {
      const values = [...times.values()];
      return { what, n: values.length, median: percentile(values, 50), p99: percentile(values, 99), target, ok };
    };
    const last = Math.max(...createdAt.values(), ...pinnedAt.values(), ...announcedAt.values());
    return {
      rows: [
        row(`alert storm of ${INCIDENTS} incidents under Slack's rate limits: alerts → channel created`, createdAt),
        row('… → summary pinned', pinnedAt),
        row('… → announced', announcedAt, 'exactly 50 channels, pins and announcements', exact),
      ],
      notes: [
        `Everything created, pinned and announced ${(last / 1000).toFixed(1)} s (${(last / 60_000).toFixed(1)} min) after the ${INCIDENTS} alerts.`,
        `Counted at the end: ${stormChannels} storm channels (${creates} successful conversations.create), ${pins} pins, ${announcements} announcements.`,
        `Slack answered 429 ${refused.length} times: ${[...byMethod].map(([m, n]) => `${m} ${n}`).join(', ') || 'never'}.`,
      ],
    };
  } finally {
    await app.stop();
    await emu.close();
  }
}

/** The storm's section of bench/results.md. */
export function stormSection(result: StormResult, when: string): string {
  const header = '| what | n | median ms | p99 ms | target | met |\n|---|---|---|---|---|---|';
  const lines = result.rows.map(
    (r) => `| ${r.what} | ${r.n} | ${r.median.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.target} | ${r.target ? (r.ok ? 'yes' : 'no') : ''} |`,
  );
  return [
    "## Alert storm under Slack's rate limits",
    '',
    `${when}, \`npm run bench -- storm\`, Postgres, the emulator with its rate tiers on (Tier 2 ≈ 20 calls a minute for`,
    'conversations.create, pins.add, conversations.setTopic; chat.postMessage ≈ 1 a second per channel). The machine was',
    "shared with other agents' test runs while this ran; the figure is set by Slack's limits, not by the machine.",
    '',
    header,
    ...lines,
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
