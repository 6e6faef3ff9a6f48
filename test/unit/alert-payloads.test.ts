import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  alertmanagerPayloadSchema,
  issuePaths,
  normalizeAlertmanager,
  normalizePagerDuty,
  pagerDutyEventSchema,
  type AlertmanagerPayload,
  type PagerDutyEvent,
} from '../../src/alerts/payloads.js';

type Json = Record<string, unknown>;

/** A fresh copy each call, so tests can mutate it. */
function fixture(name: string): Json {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}.json`, import.meta.url), 'utf8'));
  return parsed as Json;
}

function alertsOf(payload: Json): Json[] {
  return payload.alerts as Json[];
}

function payloadOf(event: Json): Json {
  return event.payload as Json;
}

function parseAlertmanager(input: unknown): AlertmanagerPayload {
  return alertmanagerPayloadSchema.parse(input);
}

function parsePagerDuty(input: unknown): PagerDutyEvent {
  return pagerDutyEventSchema.parse(input);
}

function rejectionLines(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : issuePaths(result.error);
}

/** A minimal Alertmanager group around the given alerts. */
function group(alerts: Json[], extra: Json = {}): Json {
  return {
    version: '4',
    groupKey: '{}:{alertname="Test"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firewatch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com:9093',
    alerts,
    ...extra,
  };
}

function firing(labels: Record<string, string>, annotations: Record<string, string> = {}): Json {
  return {
    status: 'firing',
    labels,
    annotations,
    startsAt: '2024-05-14T07:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example.com:9090/graph',
    fingerprint: '1a30ba71cca2921f',
  };
}

function alertTitle(labels: Record<string, string>, annotations: Record<string, string> = {}): string {
  const [alert] = normalizeAlertmanager(parseAlertmanager(group([firing(labels, annotations)]))).alerts;
  return alert?.title ?? '';
}

describe('Alertmanager webhook payloads', () => {
  it('normalizes a firing v4 group into one alert per input alert, with UTC times and no end time', () => {
    const batch = normalizeAlertmanager(parseAlertmanager(fixture('alertmanager-firing')));

    expect(batch).toMatchObject({
      groupKey: '{}/{severity="critical"}:{alertname="HighErrorRate"}',
      title: 'HighErrorRate (env=prod, job=payments-api, service=payments)',
      sourceSeverity: 'critical',
      truncatedAlerts: 0,
    });
    expect(batch.alerts).toHaveLength(2);
    expect(batch.alerts[0]).toEqual({
      fingerprint: 'a3f1c2d4e5b60718',
      status: 'firing',
      title: 'payments-api-0 is returning 7.3% errors',
      labels: {
        alertname: 'HighErrorRate',
        env: 'prod',
        instance: 'payments-api-0.payments.svc:8080',
        job: 'payments-api',
        service: 'payments',
        severity: 'critical',
      },
      annotations: {
        description: '5xx ratio on payments-api-0.payments.svc:8080 has been above 5% for 10 minutes (current value: 0.0731).',
        runbook_url: 'https://runbooks.example.com/payments/high-error-rate',
        summary: 'payments-api-0 is returning 7.3% errors',
      },
      startsAt: '2024-05-14T07:12:26.739Z',
      endsAt: null,
      link: 'http://prometheus.example.com:9090/graph?g0.expr=job%3Apayments_http_errors%3Aratio5m+%3E+0.05&g0.tab=1',
      sourceSeverity: 'critical',
    });
    expect(batch.alerts[1]).toMatchObject({ fingerprint: '5e2b9c81f0d4a377', startsAt: '2024-05-14T07:13:11.204Z' });
  });

  it('normalizes a resolved group with its end time and the common summary as title', () => {
    const batch = normalizeAlertmanager(parseAlertmanager(fixture('alertmanager-resolved')));

    expect(batch.title).toBe('Disk almost full on db-1');
    expect(batch.sourceSeverity).toBe('warning');
    expect(batch.alerts).toEqual([
      expect.objectContaining({
        status: 'resolved',
        fingerprint: '0c4d6e1b2a9f8735',
        startsAt: '2024-05-14T03:40:56.123Z',
        endsAt: '2024-05-14T04:25:56.123Z',
        sourceSeverity: 'warning',
      }),
    ]);
  });

  it('reports how many alerts Alertmanager truncated', () => {
    const payload = fixture('alertmanager-firing');
    payload.truncatedAlerts = 37;
    expect(normalizeAlertmanager(parseAlertmanager(payload)).truncatedAlerts).toBe(37);
  });

  it('treats a payload from before truncatedAlerts existed as untruncated', () => {
    const payload = fixture('alertmanager-firing');
    delete payload.truncatedAlerts;
    expect(normalizeAlertmanager(parseAlertmanager(payload)).truncatedAlerts).toBe(0);
  });

  it('keeps fields it does not know about instead of rejecting them', () => {
    const payload = fixture('alertmanager-firing');
    payload.tenant = 'eu';
    alertsOf(payload)[0]!.imageURL = 'https://grafana.example.com/render/1.png';
    expect(parseAlertmanager(payload)).toMatchObject({ tenant: 'eu' });
  });

  it('reads null label and annotation maps (Go nil maps) as empty', () => {
    const alert = { ...firing({ alertname: 'Watchdog' }), annotations: null };
    const batch = normalizeAlertmanager(parseAlertmanager(group([alert], { commonAnnotations: null, groupLabels: null })));
    expect(batch.alerts[0]?.annotations).toEqual({});
    expect(batch.title).toBe('Alert');
  });

  it('lowercases the severity label and ignores an empty one', () => {
    const batch = normalizeAlertmanager(
      parseAlertmanager(
        group([firing({ alertname: 'A', severity: 'Critical' }), firing({ alertname: 'B', severity: '' })], {
          commonLabels: { severity: 'PAGE' },
        }),
      ),
    );
    expect(batch.sourceSeverity).toBe('page');
    expect(batch.alerts.map((a) => a.sourceSeverity)).toEqual(['critical', null]);
  });
});

describe('Grafana webhook contact point payloads', () => {
  it('accepts Grafana\'s shape: version "1", orgId, legacy state, per-alert values and URLs', () => {
    const payload = parseAlertmanager(fixture('grafana-firing'));
    expect(payload).toMatchObject({ orgId: 1, state: 'alerting' });
    expect(payload.alerts[0]?.values).toEqual({ B: 44.23943737541908, C: 1 });

    const batch = normalizeAlertmanager(payload);
    expect(batch.title).toBe('[FIRING:2] (Platform blue)');
    expect(batch.sourceSeverity).toBeNull();
    expect(batch.alerts.map((a) => a.title)).toEqual([
      'This alert was triggered for zone us-1',
      'High CPU usage (grafana_folder=Platform, team=blue, zone=eu-1)',
    ]);
    expect(batch.alerts.map((a) => a.link)).toEqual([
      'https://grafana.example.com/d/mem01?viewPanel=4',
      'https://grafana.example.com/alerting/d1rdpdv7k/edit',
    ]);
    expect(batch.alerts.map((a) => a.endsAt)).toEqual([null, null]);
  });

  it('accepts older Grafana payloads without a version', () => {
    const payload = fixture('grafana-firing');
    delete payload.version;
    expect(alertmanagerPayloadSchema.safeParse(payload).success).toBe(true);
  });

  it('derives a missing fingerprint from the labels, whatever order they arrive in', () => {
    const payload = fixture('grafana-firing');
    const [first] = alertsOf(payload);
    const labels = first!.labels as Record<string, string>;
    const reordered = { ...first!, labels: Object.fromEntries(Object.entries(labels).reverse()) };
    const empty = { ...first!, fingerprint: '' };
    payload.alerts = [...alertsOf(payload), reordered, empty];

    const [a, b, c, d] = normalizeAlertmanager(parseAlertmanager(payload)).alerts;
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(c?.fingerprint).toBe(a?.fingerprint);
    expect(d?.fingerprint).toBe(a?.fingerprint);
    expect(b?.fingerprint).not.toBe(a?.fingerprint);
  });

  it("prefers the common summary over Grafana's title", () => {
    const payload = fixture('grafana-firing');
    payload.commonAnnotations = { summary: 'Memory and CPU pressure in Platform' };
    expect(normalizeAlertmanager(parseAlertmanager(payload)).title).toBe('Memory and CPU pressure in Platform');
  });
});

describe('PagerDuty Events API v2', () => {
  it('normalizes a trigger into a firing alert keyed by its dedup_key', () => {
    const result = normalizePagerDuty(parsePagerDuty(fixture('pagerduty-trigger')), () => 'unused');

    expect(result).toEqual({
      action: 'trigger',
      dedupKey: 'checkout-latency/prod-eu-1',
      title: 'p99 checkout latency above 2s on prod-eu-1',
      sourceSeverity: 'error',
      details: {
        'p99 ms': 2350,
        'threshold ms': 2000,
        canary: false,
        query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
        regions: ['eu-west-1', 'eu-central-1'],
      },
      links: [
        { href: 'https://grafana.example.com/d/checkout', text: 'Checkout dashboard' },
        { href: 'https://runbooks.example.com/checkout/latency', text: null },
      ],
      alert: {
        fingerprint: 'checkout-latency/prod-eu-1',
        status: 'firing',
        title: 'p99 checkout latency above 2s on prod-eu-1',
        labels: { source: 'checkout-api.prod-eu-1.example.com', component: 'checkout-api', group: 'prod-eu-1', class: 'latency' },
        annotations: {
          'p99 ms': '2350',
          'threshold ms': '2000',
          canary: 'false',
          query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
          regions: '["eu-west-1","eu-central-1"]',
        },
        startsAt: '2024-05-14T08:42:58.315Z',
        endsAt: null,
        link: 'https://grafana.example.com/d/checkout',
        sourceSeverity: 'error',
      },
    });
  });

  it('gives a trigger without dedup_key a fresh key, as PagerDuty would', () => {
    const event = {
      routing_key: 'R0123456789ABCDEF0123456789ABCDE',
      event_action: 'trigger',
      payload: { summary: 'Replication lag over 30s', source: 'db-2.example.internal', severity: 'warning' },
      client_url: 'https://monitoring.example.com',
    };
    const result = normalizePagerDuty(parsePagerDuty(event), () => 'fw-generated-1');

    expect(result).toMatchObject({ action: 'trigger', dedupKey: 'fw-generated-1', details: {}, links: [] });
    expect(result.action === 'trigger' && result.alert).toMatchObject({
      fingerprint: 'fw-generated-1',
      labels: { source: 'db-2.example.internal' },
      annotations: {},
      startsAt: null,
      link: 'https://monitoring.example.com',
    });
  });

  it('cuts long custom_details values to 1000 characters', () => {
    const event = fixture('pagerduty-trigger');
    payloadOf(event).custom_details = { log: 'x'.repeat(5000), nested: { lines: Array.from({ length: 500 }, (_, i) => `line ${i}`) } };
    const result = normalizePagerDuty(parsePagerDuty(event), () => 'unused');

    expect(result.action === 'trigger' && Object.values(result.alert.annotations).map((v) => v.length)).toEqual([1000, 1000]);
  });

  it.each(['acknowledge', 'resolve'] as const)('passes a %s through with its dedup_key', (action) => {
    const event = { routing_key: 'R0123456789ABCDEF0123456789ABCDE', dedup_key: 'checkout-latency/prod-eu-1', event_action: action };
    expect(normalizePagerDuty(parsePagerDuty(event), () => 'unused')).toEqual({ action, dedupKey: 'checkout-latency/prod-eu-1' });
  });

  it('accepts any non-empty routing_key, not only 32-character integration keys', () => {
    const event = fixture('pagerduty-trigger');
    event.routing_key = 'short';
    expect(pagerDutyEventSchema.safeParse(event).success).toBe(true);
  });
});

describe('rejections name the offending field', () => {
  const alertmanager: Array<[string, () => Json, string]> = [
    [
      'missing alerts',
      () => {
        const p = fixture('alertmanager-firing');
        delete p.alerts;
        return p;
      },
      'alerts',
    ],
    ['a group status other than firing|resolved', () => ({ ...fixture('alertmanager-firing'), status: 'pending' }), 'status'],
    [
      'an alert status other than firing|resolved',
      () => {
        const p = fixture('alertmanager-firing');
        alertsOf(p)[1]!.status = 'active';
        return p;
      },
      'alerts[1].status',
    ],
    ['alerts that are not an array', () => ({ ...fixture('alertmanager-firing'), alerts: { 0: {} } }), 'alerts'],
    [
      'a label value that is not a string',
      () => {
        const p = fixture('alertmanager-firing');
        (alertsOf(p)[0]!.labels as Json).replica = 2;
        return p;
      },
      'alerts[0].labels.replica',
    ],
  ];

  it.each(alertmanager)('Alertmanager: %s', (_, make, path) => {
    expect(rejectionLines(alertmanagerPayloadSchema, make())).toContainEqual(expect.stringMatching(new RegExp(`^${escape(path)}: `)));
  });

  const pagerDuty: Array<[string, () => Json, string]> = [
    [
      'missing routing_key',
      () => {
        const e = fixture('pagerduty-trigger');
        delete e.routing_key;
        return e;
      },
      'routing_key',
    ],
    ['an unknown event_action', () => ({ ...fixture('pagerduty-trigger'), event_action: 'escalate' }), 'event_action'],
    [
      'a trigger without payload',
      () => {
        const e = fixture('pagerduty-trigger');
        delete e.payload;
        return e;
      },
      'payload',
    ],
    [
      'a severity outside critical|error|warning|info',
      () => {
        const e = fixture('pagerduty-trigger');
        payloadOf(e).severity = 'high';
        return e;
      },
      'payload.severity',
    ],
    [
      'a summary over 1024 characters',
      () => {
        const e = fixture('pagerduty-trigger');
        payloadOf(e).summary = 's'.repeat(1025);
        return e;
      },
      'payload.summary',
    ],
    [
      'an acknowledge without dedup_key',
      () => ({ routing_key: 'R0123456789ABCDEF0123456789ABCDE', event_action: 'acknowledge' }),
      'dedup_key',
    ],
    [
      'a resolve whose dedup_key is over 255 characters',
      () => ({ routing_key: 'R0123456789ABCDEF0123456789ABCDE', event_action: 'resolve', dedup_key: 'k'.repeat(256) }),
      'dedup_key',
    ],
    [
      'a trigger whose dedup_key is over 255 characters',
      () => ({ ...fixture('pagerduty-trigger'), dedup_key: 'k'.repeat(256) }),
      'dedup_key',
    ],
  ];

  it.each(pagerDuty)('PagerDuty: %s', (_, make, path) => {
    expect(rejectionLines(pagerDutyEventSchema, make())).toContainEqual(expect.stringMatching(new RegExp(`^${escape(path)}: `)));
  });

  it('explains the action-dependent rules in the message', () => {
    const trigger = fixture('pagerduty-trigger');
    delete trigger.payload;
    expect(rejectionLines(pagerDutyEventSchema, trigger)).toEqual(['payload: required when event_action is "trigger"']);
    expect(rejectionLines(pagerDutyEventSchema, { routing_key: 'k', event_action: 'resolve' })).toEqual([
      'dedup_key: required when event_action is "acknowledge" or "resolve"',
    ]);
  });

  it('labels an issue with the whole body as the top level', () => {
    expect(rejectionLines(alertmanagerPayloadSchema, 'not json object')).toEqual([expect.stringMatching(/^\(top level\): /)]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('titles', () => {
  it('uses the summary annotation over the alertname', () => {
    expect(alertTitle({ alertname: 'HighErrorRate', env: 'prod' }, { summary: 'Checkout is failing' })).toBe('Checkout is failing');
  });

  it('falls back to alertname with the other labels sorted, without severity', () => {
    expect(alertTitle({ service: 'payments', severity: 'critical', alertname: 'HighErrorRate', env: 'prod' })).toBe(
      'HighErrorRate (env=prod, service=payments)',
    );
  });

  it('shows at most five labels', () => {
    expect(alertTitle({ alertname: 'NodeDown', f: '6', e: '5', d: '4', c: '3', b: '2', a: '1' })).toBe(
      'NodeDown (a=1, b=2, c=3, d=4, e=5, …)',
    );
  });

  it('uses the bare alertname when it is the only label', () => {
    expect(alertTitle({ alertname: 'Watchdog', severity: 'none' })).toBe('Watchdog');
  });

  it('says "Alert" when there is neither summary nor alertname', () => {
    expect(alertTitle({ instance: 'db-1:9100' }, { summary: ' \n\t ' })).toBe('Alert');
  });

  it('cuts long titles to 200 characters', () => {
    const title = alertTitle({ alertname: 'X' }, { summary: 'word '.repeat(100) });
    expect(title).toHaveLength(200);
    expect(title.endsWith('…')).toBe(true);
  });

  it('never cuts an emoji in half', () => {
    const title = alertTitle({ alertname: 'X' }, { summary: `${'a'.repeat(198)}🔥🔥🔥` });
    expect(title).toBe(`${'a'.repeat(198)}…`);
  });

  it('collapses newlines and runs of spaces into one line', () => {
    expect(alertTitle({ alertname: 'X' }, { summary: '  Disk full\n\non   db-1\r\n' })).toBe('Disk full on db-1');
  });

  it('applies the same one-line, 200-character rule to PagerDuty summaries', () => {
    const event = fixture('pagerduty-trigger');
    payloadOf(event).summary = `Checkout\nlatency ${'high '.repeat(200)}`;
    const result = normalizePagerDuty(parsePagerDuty(event), () => 'unused');
    expect(result.action === 'trigger' && result.title).toMatch(/^Checkout latency high .*…$/);
    expect(result.action === 'trigger' && result.title.length).toBe(200);
  });
});

describe('normalizeAlertmanager on anything the schema accepts', () => {
  const text = fc.string({ unit: 'binary', maxLength: 300 });
  const stringMap = (extra: Record<string, fc.Arbitrary<string>>) =>
    fc
      .tuple(fc.record(extra, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 20 }), text, { maxKeys: 8 }))
      .map(([known, rest]) => ({ ...rest, ...known }));
  const time = fc.option(
    fc.oneof(
      fc.constant('0001-01-01T00:00:00Z'),
      fc
        .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
        .map((d) => d.toISOString()),
    ),
    { nil: undefined },
  );
  const status = fc.constantFrom('firing', 'resolved');
  const alert = fc.record(
    {
      status,
      labels: stringMap({ alertname: text, severity: fc.constantFrom('critical', 'Warning', '', 'info') }),
      annotations: stringMap({ summary: text }),
      startsAt: time,
      endsAt: time,
      generatorURL: fc.constantFrom('', 'http://prometheus.example.com:9090/graph'),
      fingerprint: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9a-f]{16}$/)),
    },
    { requiredKeys: ['status', 'labels'] },
  );
  const payload = fc.record(
    {
      version: fc.constantFrom('4', '1'),
      groupKey: fc.string(),
      truncatedAlerts: fc.nat(),
      status,
      receiver: fc.string(),
      groupLabels: stringMap({}),
      commonLabels: stringMap({ alertname: text, severity: text }),
      commonAnnotations: stringMap({ summary: text }),
      title: text,
      alerts: fc.array(alert, { maxLength: 6 }),
    },
    { requiredKeys: ['groupKey', 'status', 'receiver', 'alerts'] },
  );

  it('never throws and yields one alert per input alert, each with a fingerprint and a short one-line title', () => {
    fc.assert(
      fc.property(payload, (input) => {
        const parsed = alertmanagerPayloadSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        if (!parsed.success) return;

        const batch = normalizeAlertmanager(parsed.data);
        expect(batch.alerts).toHaveLength(input.alerts.length);
        for (const title of [batch.title, ...batch.alerts.map((a) => a.title)]) {
          expect(title.length).toBeGreaterThan(0);
          expect(title.length).toBeLessThanOrEqual(200);
          expect(title).not.toMatch(/\s\s|\n/);
        }
        for (const a of batch.alerts) {
          expect(a.fingerprint.length).toBeGreaterThan(0);
          for (const at of [a.startsAt, a.endsAt]) {
            if (at !== null) expect(new Date(at).toISOString()).toBe(at);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
