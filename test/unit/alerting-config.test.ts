import { describe, expect, it } from 'vitest';
import { route } from '../../src/alerts/route.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = {
  escalation_policies: [{ id: 'db-primary', levels: [{ delay: '5m', targets: [{ user: 'U0ALICE' }] }] }],
  integrations: [{ id: 'prom', type: 'alertmanager', token: 'secret' }],
  services: [{ id: 'postgres', name: 'Postgres', tier: 1 }],
};

function refusal(extra: Record<string, unknown>): string {
  try {
    parseConfig({ ...base, ...extra }, 'firewatch.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('alert_routes, alert_grouping, silences and services in the config', () => {
  it('reads the example of DESIGN.md', () => {
    const config = parseConfig(
      {
        ...base,
        alert_routes: [
          {
            match: '{team="db", severity=~"critical|page"}',
            integration: 'prom',
            set: { severity: 'sev1', type: 'availability', service: 'postgres', page: 'db-primary' },
          },
          { match: '{alertname="Watchdog"}', drop: true },
        ],
        alert_grouping: { group_by: ['alertname', 'cluster'], open_after: { count: 3, within: '5m' } },
        silences: [{ id: 'db-upgrade', matchers: 'team="db"', starts_at: '2026-01-05T22:00:00Z', ends_at: '2026-01-06T02:00:00Z' }],
      },
      'firewatch.yaml',
    );
    expect(config.alertRoutes[0]?.match).toEqual([
      { name: 'team', op: '=', value: 'db' },
      { name: 'severity', op: '=~', value: 'critical|page' },
    ]);
    expect(config.alertRoutes[1]).toMatchObject({ drop: true, continue: false });
    expect(config.alertGrouping.open_after).toEqual({ count: 3, within: 300_000 });
    expect(config.silences[0]?.ends_at).toEqual(new Date('2026-01-06T02:00:00Z'));
    expect(config.silences[0]?.stop_pages).toBe(false);
  });

  it('refuses a malformed matcher naming the route and the parser message', () => {
    const message = refusal({ alert_routes: [{ match: '{team="db"' }] });
    expect(message).toContain('firewatch.yaml');
    expect(message).toMatch(/alert_routes\[0\]\.match: .*column/);
    expect(message).toContain('=~');
  });

  it('refuses a bad regex', () => {
    expect(refusal({ alert_routes: [{ match: '{team=~"(db"}' }] })).toMatch(/alert_routes\[0\]\.match: /);
  });

  it('reads regexes as RE2, as Alertmanager does: (?i) loads and matches, a lookahead is refused naming the field', () => {
    const config = parseConfig(
      { ...base, alert_routes: [{ match: '{severity=~"(?i)critical"}', set: { severity: 'sev1' } }] },
      'firewatch.yaml',
    );
    const alert = (severity: string) => ({ integration: 'prom', labels: { severity } });
    expect(route(alert('CRITICAL'), config.alertRoutes)).toMatchObject({ routes: [0], set: { severity: 'sev1' } });
    expect(route(alert('critical!'), config.alertRoutes).routes).toEqual([]);
    const message = refusal({ alert_routes: [{ match: '{x=~"a(?=b)"}' }] });
    expect(message).toMatch(/alert_routes\[0\]\.match: .*"a\(\?=b\)" is not a valid regex \(RE2 does not support lookahead/);
    expect(message).toContain('=~');
  });

  it('refuses unknown keys in a route and in its set', () => {
    expect(refusal({ alert_routes: [{ match: 'a="b"', sett: {} }] })).toContain('alert_routes[0]: unknown key "sett"');
    expect(refusal({ alert_routes: [{ match: 'a="b"', set: { owner: 'x' } }] })).toContain('alert_routes[0].set: unknown key "owner"');
  });

  it("lets a route name a heartbeat's alerts as integration heartbeat:<id>, and refuses an unknown heartbeat", () => {
    const heartbeats = [{ id: 'nightly-backup', interval: '1d', grace: '1h', token: 'hb-token-0123456789' }];
    const config = parseConfig(
      {
        ...base,
        heartbeats,
        alert_routes: [{ match: '{alertname="HeartbeatMissed"}', integration: 'heartbeat:nightly-backup', set: { severity: 'sev1' } }],
      },
      'firewatch.yaml',
    );
    expect(config.alertRoutes[0]).toMatchObject({ integration: 'heartbeat:nightly-backup' });
    expect(refusal({ heartbeats, alert_routes: [{ match: 'a="b"', integration: 'heartbeat:weekly' }] })).toContain(
      'alert_routes[0].integration: unknown integration "heartbeat:weekly"; allowed: prom, heartbeat:nightly-backup',
    );
    expect(refusal({ alert_routes: [{ match: 'a="b"', integration: 'Prom!' }] })).toContain(
      "alert_routes[0].integration: expected an integration id (e.g. prom), or heartbeat:<id> for a heartbeat's alerts",
    );
  });

  it('refuses references to unknown integrations, severities, types, services and policies', () => {
    expect(refusal({ alert_routes: [{ match: 'a="b"', integration: 'nope' }] })).toContain(
      'alert_routes[0].integration: unknown integration "nope"; allowed: prom',
    );
    expect(refusal({ alert_routes: [{ match: 'a="b"', set: { severity: 'sev9' } }] })).toContain(
      'alert_routes[0].set.severity: unknown severity "sev9"; allowed: sev1, sev2, sev3, sev4',
    );
    expect(refusal({ alert_routes: [{ match: 'a="b"', set: { type: 'weather' } }] })).toContain(
      'alert_routes[0].set.type: unknown incident type "weather"',
    );
    expect(refusal({ alert_routes: [{ match: 'a="b"', set: { service: 'redis' } }] })).toContain(
      'alert_routes[0].set.service: unknown service "redis"; allowed: postgres',
    );
    expect(refusal({ alert_routes: [{ match: 'a="b"', set: { page: 'nobody' } }] })).toContain(
      'alert_routes[0].set.page: unknown escalation policy "nobody"; allowed: db-primary',
    );
  });

  it('refuses open_after without a positive count or a duration, and unknown grouping keys', () => {
    expect(refusal({ alert_grouping: { open_after: { count: 0, within: '5m' } } })).toContain(
      'alert_grouping.open_after.count: expected a count of at least 1',
    );
    expect(refusal({ alert_grouping: { open_after: { count: 2, within: 'soon' } } })).toContain(
      'alert_grouping.open_after.within: expected a duration',
    );
    expect(refusal({ alert_grouping: { group: ['a'] } })).toContain('alert_grouping: unknown key "group"');
  });

  it('refuses a silence that ends before it starts, without a zone, or with bad matchers', () => {
    const window = { id: 'w', matchers: 'a="b"', starts_at: '2026-01-05T22:00:00Z', ends_at: '2026-01-05T21:00:00Z' };
    expect(refusal({ silences: [window] })).toContain('silences[0].ends_at: must be after starts_at');
    expect(refusal({ silences: [{ ...window, starts_at: '2026-01-05T22:00' }] })).toContain(
      'silences[0].starts_at: expected an ISO 8601 instant',
    );
    expect(refusal({ silences: [{ ...window, ends_at: '2026-01-06T00:00:00Z', matchers: 'a=~"["' }] })).toContain('silences[0].matchers: ');
    expect(
      refusal({
        silences: [
          { ...window, ends_at: '2026-01-06T00:00:00Z' },
          { ...window, ends_at: '2026-01-06T00:00:00Z' },
        ],
      }),
    ).toContain('silences[1].id: duplicate id "w"');
  });

  it('refuses services with a tier out of 1–4, unknown dependencies or owners', () => {
    expect(refusal({ services: [{ id: 'x', name: 'X', tier: 5 }] })).toContain(
      'services[0].tier: expected a tier from 1 (most critical) to 4',
    );
    expect(refusal({ services: [{ id: 'x', name: 'X', tier: 1, depends_on: ['y'] }] })).toContain(
      'services[0].depends_on[0]: unknown service "y"; allowed: x',
    );
    expect(refusal({ services: [{ id: 'x', name: 'X', tier: 1, owners: { policy: 'p' } }] })).toContain(
      'services[0].owners.policy: unknown escalation policy "p"',
    );
  });
});
