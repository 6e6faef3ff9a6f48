import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { loadEnv } from '../../src/config/env.js';
import { ConfigError, defaultSeverity, loadConfig, parseConfig } from '../../src/config/load.js';

function writeConfig(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fw-config-')), 'firewatch.yaml');
  writeFileSync(file, text);
  return file;
}

const DESIGN_EXAMPLE = `
announcements_channel: C0123ANNOUNCE
digest:
  channel: C0123STAKEHOLDERS
  schedule: "0 9,17 * * 1-5"
severities:
  - id: sev1
    label: Critical
    update_every: 30m
    page: primary
escalation_policies:
  - id: primary
    repeat: 1
    levels:
      - delay: 5m
        targets: [{ user: U0123ALICE }, { schedule: platform }]
schedules:
  - id: platform
    time_zone: Europe/Berlin
    rotation: { start: "2026-01-05T09:00", length: 1w, users: [U0123ALICE, U0123BOB] }
    overrides: [{ user: U0123CAROL, start: "2026-12-24T09:00", end: "2026-12-27T09:00" }]
roles: [comms, scribe, ops]
incident_types: [availability, performance, security, data, other]
escalation_tick: "*/5 * * * * *"
insights:
  schedule: "0 9 * * 1"
archive_on_close: false
api_token: \${FIREWATCH_API_TOKEN}
integrations:
  - { id: prom, type: alertmanager, token: "\${ALERTMANAGER_TOKEN}", severity: sev1, severity_map: { critical: sev1 } }
  - { id: pd, type: pagerduty, routing_key: "\${PD_ROUTING_KEY}", severity: sev1, page: primary }
`;

describe('durations', () => {
  it('reads seconds, minutes, hours, days and weeks', () => {
    expect(parseDuration('1s')).toBe(1_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1w')).toBe(604_800_000);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '5', 'm', '5 minutes', '-5m', '0s', '1.5h', '5M']) expect(parseDuration(bad)).toBeNull();
  });

  it('formats back to the same duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('s', 'm', 'h', 'd', 'w'), (n, unit) => {
        const ms = parseDuration(`${n}${unit}`);
        expect(ms).not.toBeNull();
        expect(parseDuration(formatDuration(ms!))).toBe(ms);
      }),
    );
  });
});

describe('config', () => {
  it('runs with no config file: four severities, least severe is the default', () => {
    const config = parseConfig({}, undefined);
    expect(config.severities.map((s) => s.id)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    expect(defaultSeverity(config).id).toBe('sev4');
    expect(config.roles).toEqual(['comms', 'scribe', 'ops']);
    expect(config.escalationTick).toBe('*/5 * * * * *');
    expect(config.severities[0]?.updateEveryMs).toBe(30 * 60_000);
    expect(config.severities.map((s) => s.postmortemRequired)).toEqual([true, true, false, false]);
  });

  it('puts postmortems into canvases unless postmortem_canvas is false, and names the field for a non-boolean', () => {
    expect(parseConfig({}, undefined).postmortemCanvas).toBe(true);
    expect(parseConfig({ postmortem_canvas: false }, undefined).postmortemCanvas).toBe(false);
    expect(() => parseConfig({ postmortem_canvas: 'sometimes' }, 'firewatch.yaml')).toThrow(
      /firewatch\.yaml is not valid:\n {2}postmortem_canvas: .*expected boolean/,
    );
  });

  it('accepts the example from the design guide, expanding ${VAR} from the environment', () => {
    const file = writeConfig(DESIGN_EXAMPLE);
    const config = loadConfig(file, { FIREWATCH_API_TOKEN: 'a-token-of-sixteen-chars', ALERTMANAGER_TOKEN: 'am', PD_ROUTING_KEY: 'pd' });
    expect(config.announcementsChannel).toBe('C0123ANNOUNCE');
    expect(config.apiToken).toBe('a-token-of-sixteen-chars');
    expect(config.integrations[0]?.token).toBe('am');
    expect(config.escalationPolicies[0]?.levels[0]?.delay).toBe(300_000);
    expect(config.schedules[0]?.rotation.length).toBe(604_800_000);
  });

  it('names the file and the field of an unset ${VAR}', () => {
    const file = writeConfig(DESIGN_EXAMPLE);
    expect(() => loadConfig(file, {})).toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: api_token: refers to \\$\\{FIREWATCH_API_TOKEN\\}`),
    );
  });

  it('names the file, the field and what is allowed for a bad duration', () => {
    const file = writeConfig('severities:\n  - id: sev1\n    label: Critical\n    update_every: soon\n');
    expect(() => loadConfig(file, {})).toThrow(
      /firewatch\.yaml is not valid:\n {2}severities\[0\]\.update_every: expected a duration: .*30s, 5m, 2h, 1d, 1w.*got "soon"/,
    );
  });

  it('refuses an unknown key so a typo does not pass silently', () => {
    expect(() => parseConfig({ severites: [] }, 'f.yaml')).toThrow(/f\.yaml is not valid:\n {2}\(top level\): unknown key "severites"/);
  });

  it('refuses a severity that pages an escalation policy that does not exist', () => {
    expect(() => parseConfig({ severities: [{ id: 'sev1', label: 'Critical', page: 'nobody' }] }, 'f.yaml')).toThrow(
      /severities\[0\]\.page: unknown escalation policy "nobody"; allowed: none are configured/,
    );
  });

  it('refuses a bad cron expression and a bad time zone', () => {
    expect(() => parseConfig({ escalation_tick: 'every five seconds' }, 'f.yaml')).toThrow(
      /escalation_tick: expected a node-cron expression/,
    );
    expect(() =>
      parseConfig(
        { schedules: [{ id: 'p', time_zone: 'Mars/Olympus', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U1'] } }] },
        'f.yaml',
      ),
    ).toThrow(/schedules\[0\]\.time_zone: expected an IANA time zone/);
  });

  it('refuses duplicate severity ids', () => {
    expect(() =>
      parseConfig(
        {
          severities: [
            { id: 'sev1', label: 'A' },
            { id: 'sev1', label: 'B' },
          ],
        },
        'f.yaml',
      ),
    ).toThrow(/severities\[1\]\.id: duplicate id "sev1"/);
  });

  it('refuses more severities or incident types than a Slack menu holds, naming the file and the field', () => {
    const types = Array.from({ length: 101 }, (_, i) => `type-${i}`);
    const file = writeConfig(`incident_types: [${types.join(', ')}]\n`);
    expect(() => loadConfig(file, {})).toThrow(
      /firewatch\.yaml is not valid:\n {2}incident_types: at most 100 incident types: a Slack menu holds no more than 100 options/,
    );
    expect(parseConfig({ incident_types: types.slice(0, 100) }, 'f.yaml').incidentTypes).toHaveLength(100);
    const severities = Array.from({ length: 101 }, (_, i) => ({ id: `sev${i}`, label: `Level ${i}` }));
    expect(() => parseConfig({ severities }, 'f.yaml')).toThrow(/f\.yaml is not valid:\n {2}severities: at most 100 severities/);
  });

  it('refuses a severity or incident type id too long to be the value of a menu option', () => {
    const long = 'a'.repeat(151);
    expect(() => parseConfig({ incident_types: [long] }, 'f.yaml')).toThrow(
      /incident_types\[0\]: expected an id of at most 150 characters/,
    );
    expect(() => parseConfig({ severities: [{ id: long, label: 'Long' }] }, 'f.yaml')).toThrow(
      /severities\[0\]\.id: expected an id of at most 150 characters/,
    );
  });

  it('points at the line of a YAML syntax error', () => {
    const file = writeConfig('severities:\n  - id: sev1\n   label: x\n');
    expect(() => loadConfig(file, {})).toThrow(ConfigError);
    expect(() => loadConfig(file, {})).toThrow(/is not valid YAML at line \d+/);
  });

  it('says when the named config file cannot be read', () => {
    expect(() => loadConfig('/nonexistent/firewatch.yaml', {})).toThrow(/\/nonexistent\/firewatch\.yaml: cannot be read \(ENOENT\)/);
  });
});

describe('environment', () => {
  it('names each missing Slack variable and where to get it', () => {
    expect(() => loadEnv({})).toThrow(/SLACK_BOT_TOKEN is not set: the bot token \(xoxb-…\).*README\.md/);
    expect(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET is not set/);
  });

  it('needs no signing secret in Socket Mode', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(env.SLACK_APP_TOKEN).toBe('xapp-1');
  });

  it('defaults the port and the data directory', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('.firewatch');
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('refuses a token of the wrong kind and a bad port', () => {
    expect(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 's' })).toThrow(
      /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/,
    );
    expect(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'eighty' })).toThrow(/PORT must be a port number/);
  });
  it('takes a FIREWATCH_SECRET of at least 32 characters, and leaves an empty one unset so one is generated', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(() => loadEnv({ ...base, FIREWATCH_SECRET: 'too-short' })).toThrow(/FIREWATCH_SECRET must be at least 32 characters/);
    expect(loadEnv({ ...base, FIREWATCH_SECRET: 'k'.repeat(32) }).FIREWATCH_SECRET).toBe('k'.repeat(32));
    expect(loadEnv({ ...base, FIREWATCH_SECRET: '  ' }).FIREWATCH_SECRET).toBeUndefined();
  });
});

describe('paging_drills', () => {
  it('takes a cron schedule and a time to acknowledge, ten minutes unless given', () => {
    const config = parseConfig({ admin_channel: 'C0ADMIN', paging_drills: { schedule: '0 10 1 * *' } }, 'f.yaml');
    expect(config.pagingDrills).toEqual({ schedule: '0 10 1 * *' });
    expect(config.testAckWithinMs).toBe(600_000);
    expect(
      parseConfig({ admin_channel: 'C0ADMIN', paging_drills: { schedule: '0 10 1 * *', ack_within: '3m' } }, 'f.yaml').testAckWithinMs,
    ).toBe(180_000);
  });

  it('gives test pages ten minutes to be acknowledged when no drills are set', () => {
    const config = parseConfig({}, 'f.yaml');
    expect(config.pagingDrills).toBeUndefined();
    expect(config.testAckWithinMs).toBe(600_000);
  });

  it('refuses a bad cron, naming the field', () => {
    expect(() => parseConfig({ admin_channel: 'C0ADMIN', paging_drills: { schedule: 'monthly' } }, 'f.yaml')).toThrow(
      /f\.yaml is not valid:\n {2}paging_drills\.schedule: expected a node-cron expression/,
    );
  });

  it('needs admin_channel, where its report goes', () => {
    expect(() => parseConfig({ paging_drills: { schedule: '0 10 1 * *' } }, 'f.yaml')).toThrow(
      /f\.yaml is not valid:\n {2}admin_channel: required when paging_drills is set/,
    );
  });

  it('refuses an unknown key and a bad duration', () => {
    expect(() => parseConfig({ admin_channel: 'C0ADMIN', paging_drills: { schedule: '0 10 1 * *', every: '1w' } }, 'f.yaml')).toThrow(
      /paging_drills: unknown key "every"/,
    );
    expect(() =>
      parseConfig({ admin_channel: 'C0ADMIN', paging_drills: { schedule: '0 10 1 * *', ack_within: 'soon' } }, 'f.yaml'),
    ).toThrow(/paging_drills\.ack_within: expected a duration/);
  });
});
