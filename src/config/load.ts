import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import type { NotificationRule } from './people.js';
import { fileConfigSchema, type FileConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'firewatch.yaml';

export class ConfigError extends Error {}

/** How long a test page waits for an acknowledgement after its last method, unless `paging_drills.ack_within` says. */
export const DEFAULT_TEST_ACK_WITHIN_MS = 10 * 60_000;

export interface Severity {
  id: string;
  label: string;
  updateEveryMs: number | undefined;
  page: string | undefined;
  postmortemRequired: boolean;
}

export interface Config {
  /** Where the config came from, for messages; undefined when the defaults are used. */
  source: string | undefined;
  announcementsChannel: string | undefined;
  digest: { channel: string | undefined; schedule: string; skipWhenQuiet: boolean };
  /** Most severe first. */
  severities: Severity[];
  escalationPolicies: FileConfig['escalation_policies'];
  schedules: FileConfig['schedules'];
  roles: string[];
  incidentTypes: string[];
  escalationTick: string;
  insights: FileConfig['insights'];
  archiveOnClose: boolean;
  /** Whether postmortems also go into a canvas in the incident channel (where the workspace allows canvases). */
  postmortemCanvas: boolean;
  apiToken: string | undefined;
  integrations: FileConfig['integrations'];
  /** Where Firewatch tells its operators what needs their attention. */
  adminChannel: string | undefined;
  /** The monthly (or whatever `schedule` says) test page of everyone on call, reported in the admin channel. */
  pagingDrills: { schedule: string } | undefined;
  /** How long a test page (a drill's, or `oncall test`) waits for an acknowledgement after its last method goes out. */
  testAckWithinMs: number;
  /** Contact methods and rules set in the config, by Slack user id. */
  people: Person[];
  /** The rules of people who have none of their own. */
  notifyDefaults: NotificationRule[];
  /** Slack user ids who may override anyone's shift (a schedule's members may override within it). */
  admins: string[];
  /** The public status page, when one is configured. */
  statusPage: StatusPageConfig | undefined;
  /** Dead-man's switches; interval and grace in milliseconds. */
  heartbeats: FileConfig['heartbeats'];
  /** A silence made in Slack for longer than this is confirmed a second time. */
  silenceMaxMs: number;
  /** In order: the first matching route sets a field, later ones (after `continue`) only what is still unset. */
  alertRoutes: FileConfig['alert_routes'];
  alertGrouping: FileConfig['alert_grouping'];
  /** Maintenance windows written into the file (the stored silences come from Slack and the API). */
  silences: FileConfig['silences'];
  services: FileConfig['services'];
  /** Lists of steps an incident can be given and tick off in Slack. */
  checklists: FileConfig['checklists'];
  /** Outbound webhooks (src/config/webhooks.ts). */
  webhooks: FileConfig['webhooks'];
  /** Tiers whose owning policy is paged when a service is marked affected. */
  pageTiers: number[];
  /** In file order; templates parsed, durations in milliseconds. */
  workflows: FileConfig['workflows'];
}

export interface StatusPageConfig {
  title: string;
  public: boolean;
  /** In the order the page lists them. */
  components: Array<{ id: string; name: string }>;
}

export interface Person {
  user: string;
  email: string | undefined;
  phone: string | undefined;
  ntfyTopic: string | undefined;
  rules: NotificationRule[] | undefined;
}

/** Replaces `${VAR}` in every string of the parsed document, naming the field when VAR is unset. */
function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        missing.push(`${path || '(top level)'}: refers to \${${name}}, which is not set in the environment`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}[${i}]`, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, path ? `${path}.${k}` : k, missing)]));
  }
  return value;
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}

function toConfig(file: FileConfig, source: string | undefined): Config {
  const severities = file.severities.map((s, i) => ({
    id: s.id,
    label: s.label,
    updateEveryMs: s.update_every,
    page: s.page,
    // The two most severe levels need a postmortem unless the config says otherwise.
    postmortemRequired: s.postmortem_required ?? i < 2,
  }));
  return {
    source,
    announcementsChannel: file.announcements_channel,
    digest: { channel: file.digest.channel, schedule: file.digest.schedule, skipWhenQuiet: file.digest.skip_when_quiet },
    severities,
    escalationPolicies: file.escalation_policies,
    schedules: file.schedules,
    roles: file.roles,
    incidentTypes: file.incident_types,
    escalationTick: file.escalation_tick,
    insights: file.insights,
    archiveOnClose: file.archive_on_close,
    postmortemCanvas: file.postmortem_canvas,
    apiToken: file.api_token,
    integrations: file.integrations,
    adminChannel: file.admin_channel,
    pagingDrills: file.paging_drills && { schedule: file.paging_drills.schedule },
    testAckWithinMs: file.paging_drills?.ack_within ?? DEFAULT_TEST_ACK_WITHIN_MS,
    people: file.people.map((p) => ({ user: p.user, email: p.email, phone: p.phone, ntfyTopic: p.ntfy_topic, rules: p.rules })),
    notifyDefaults: file.notify_defaults,
    admins: file.admins,
    statusPage: file.status_page,
    heartbeats: file.heartbeats,
    silenceMaxMs: file.silence_max,
    alertRoutes: file.alert_routes,
    alertGrouping: file.alert_grouping,
    silences: file.silences,
    services: file.services,
    checklists: file.checklists,
    webhooks: file.webhooks,
    pageTiers: file.page_tiers,
    workflows: file.workflows,
  };
}

/** Validates a parsed config document; throws ConfigError naming the source, each field and what is allowed. */
export function parseConfig(document: unknown, source: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const label = source ?? 'config';
  const missing: string[] = [];
  const expanded = expandEnv(document ?? {}, env, '', missing);
  if (missing.length) throw new ConfigError(`${label}: ${missing.join('\n')}`);
  if (typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new ConfigError(`${label}: expected a mapping of settings (key: value) at the top level`);
  }
  const parsed = fileConfigSchema.safeParse(expanded);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${formatPath(issue.path) || '(top level)'}: ${describeIssue(issue)}`);
    throw new ConfigError(`${label} is not valid:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data, source);
}

/** The file a config path names: the path given (FIREWATCH_CONFIG), else firewatch.yaml when present, else none (defaults). */
export function configFileOf(path: string | undefined): string | undefined {
  return path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
}

/** The text of a config file, or the message naming why it cannot be read. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); FIREWATCH_CONFIG names it`);
  }
}

/** The YAML document of a config file's text, or the message naming where it stops being YAML. */
export function parseConfigYaml(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
      throw new ConfigError(`${file}: is not valid YAML${where}: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
}

/**
 * Reads the YAML config: the path given (FIREWATCH_CONFIG), else firewatch.yaml when present, else defaults.
 * A path that was named explicitly must exist.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const file = configFileOf(path);
  if (!file) return parseConfig({}, undefined, env);
  return parseConfig(parseConfigYaml(readConfigText(file), file), file, env);
}

/**
 * Makes `next` the running config. The one Config object is shared by reference (services, deliverers,
 * routes, jobs), so writing the new settings into it is what lets every reader see them at its next read.
 */
export function replaceConfig(live: Config, next: Config): void {
  Object.assign(live, next);
}

/** The least severe configured severity: what a declare without one gets. */
export function defaultSeverity(config: Config): Severity {
  const last = config.severities[config.severities.length - 1];
  if (!last) throw new ConfigError('no severities configured');
  return last;
}

export function findSeverity(config: Config, id: string): Severity | undefined {
  const wanted = id.toLowerCase();
  return config.severities.find((s) => s.id === wanted);
}
