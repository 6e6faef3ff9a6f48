import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { heartbeat, heartbeatIntegrationId, heartbeatRefinements, integration } from './sources.js';
import { duration, id } from './primitives.js';
import { alertingKeys, checkAlerting } from './alerting.js';
import { checkChecklists, checklistKeys } from './checklists.js';
import { checkWebhooks, webhookKeys } from './webhooks.js';
import { checkServices, servicesKeys } from './services.js';
import { checkWorkflows, workflowKeys } from './workflows.js';
import { STATUSES } from '../incidents/status.js';
import { PERSON_SOURCES } from '../automation/conditions.js';
import { DEFAULT_NOTIFY, notificationRules, personContacts } from './people.js';

const cron = z.string().refine((expr) => isValidCron(expr), {
  message: 'expected a node-cron expression such as "0 9,17 * * 1-5" (five fields, or six with seconds first)',
});

// Severities and incident types are offered as options of Slack menus, which hold at most 100 options
// and take a value of at most 150 characters.
const MENU_OPTIONS_MAX = 100;
const menuId = id.max(150, 'expected an id of at most 150 characters (it is the value of an option in Slack menus)');
const menuList = (what: string) => `at most ${MENU_OPTIONS_MAX} ${what}: a Slack menu holds no more than ${MENU_OPTIONS_MAX} options`;

const slackUser = z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id such as U0123ALICE');
const slackChannel = z.string().regex(/^[CGD][A-Z0-9]+$/, 'expected a Slack channel id such as C0123ANNOUNCE');

/** Local wall-clock date-time without a zone, interpreted in the schedule's time_zone. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'expected a local date-time such as "2026-01-05T09:00"');

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Berlin or America/New_York' },
);

const severity = z.strictObject({
  id: menuId,
  label: z.string().min(1).max(40),
  update_every: duration.optional(),
  page: id.optional(),
  postmortem_required: z.boolean().optional(),
});

const target = z.union([z.strictObject({ user: slackUser }), z.strictObject({ schedule: id })], {
  message: 'expected a target like { user: U0123ALICE } or { schedule: platform }',
});

const escalationPolicy = z.strictObject({
  id,
  repeat: z.number().int().min(0).max(10).default(0),
  levels: z
    .array(z.strictObject({ delay: duration, targets: z.array(target).min(1, 'a level needs at least one target') }))
    .min(1, 'a policy needs at least one level'),
});

const schedule = z.strictObject({
  id,
  time_zone: timeZone,
  rotation: z.strictObject({
    start: localDateTime,
    length: duration,
    users: z.array(slackUser).min(1, 'a rotation needs at least one user'),
  }),
  overrides: z.array(z.strictObject({ user: slackUser, start: localDateTime, end: localDateTime })).default([]),
  /** The team's channel: hand-offs and cover requests are posted there. */
  channel: slackChannel.optional(),
  /** A Slack user group kept equal to whoever is on call. */
  slack_user_group: z
    .string()
    .regex(/^S[A-Z0-9]+$/, 'expected a Slack user group id such as S0123ONCALL')
    .optional(),
});

/** The states of Atlassian Statuspage's components, which the public JSON shapes carry as they are. */
export const COMPONENT_STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;

const statusPage = z.strictObject({
  title: z.string().min(1, 'expected the title the public page shows, such as "Acme Status"').max(200),
  /** False: the page is not served publicly (the console sign-in will guard it). */
  public: z.boolean().default(true),
  components: z
    .array(z.strictObject({ id, name: z.string().min(1).max(200) }))
    .min(1, 'list at least one component, such as { id: api, name: API }'),
});

const DEFAULT_SEVERITIES = [
  { id: 'sev1', label: 'Critical', update_every: '30m' },
  { id: 'sev2', label: 'Major', update_every: '1h' },
  { id: 'sev3', label: 'Minor', update_every: '4h' },
  { id: 'sev4', label: 'Low', update_every: '1d' },
];

export const fileConfigSchema = z
  .strictObject({
    announcements_channel: slackChannel.optional(),
    digest: z
      .strictObject({
        channel: slackChannel.optional(),
        schedule: cron.default('0 9,17 * * 1-5'),
        skip_when_quiet: z.boolean().default(false),
      })
      .prefault({}),
    severities: z
      .array(severity)
      .min(1, 'list at least one severity, most severe first')
      .max(MENU_OPTIONS_MAX, menuList('severities'))
      .prefault(DEFAULT_SEVERITIES),
    escalation_policies: z.array(escalationPolicy).default([]),
    schedules: z.array(schedule).default([]),
    roles: z.array(id).default(['comms', 'scribe', 'ops']),
    incident_types: z
      .array(menuId)
      .min(1)
      .max(MENU_OPTIONS_MAX, menuList('incident types'))
      .default(['availability', 'performance', 'security', 'data', 'other']),
    escalation_tick: cron.default('*/5 * * * * *'),
    insights: z.strictObject({ schedule: cron.optional() }).prefault({}),
    archive_on_close: z.boolean().default(false),
    postmortem_canvas: z.boolean().default(true),
    api_token: z.string().min(16, 'expected a token of at least 16 characters').optional(),
    integrations: z.array(integration).default([]),
    admin_channel: slackChannel.optional(),
    paging_drills: z.strictObject({ schedule: cron, ack_within: duration.prefault('10m') }).optional(),
    people: z.array(personContacts).default([]),
    notify_defaults: notificationRules.prefault(DEFAULT_NOTIFY),
    /** People who may override anyone's shift. */
    admins: z.array(slackUser).default([]),
    /** The public status page; unset, its routes answer 404. */
    status_page: statusPage.optional(),
    /** Dead-man's switches: an alert opens when one is not beaten within interval + grace. */
    heartbeats: z.array(heartbeat).default([]),
    // Silences (issue 17, silence commands): a silence longer than this asks to be confirmed a second time.
    silence_max: duration.prefault('7d'),
    ...alertingKeys,
    ...checklistKeys,
    ...webhookKeys,
    ...servicesKeys,
    ...workflowKeys,
  })
  .superRefine((cfg, ctx) => {
    const unique = (ids: string[], path: string, field = 'id') => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [path, i, field], message: `duplicate ${field} "${id}"` });
        seen.add(id);
      });
    };
    const ids = (items: { id: string }[]) => items.map((item) => item.id);
    unique(ids(cfg.severities), 'severities');
    unique(ids(cfg.escalation_policies), 'escalation_policies');
    unique(ids(cfg.schedules), 'schedules');
    unique(ids(cfg.integrations), 'integrations');
    if (cfg.status_page) {
      const seen = new Set<string>();
      cfg.status_page.components.forEach((c, i) => {
        if (seen.has(c.id))
          ctx.addIssue({ code: 'custom', path: ['status_page', 'components', i, 'id'], message: `duplicate id "${c.id}"` });
        seen.add(c.id);
      });
    }
    unique(
      cfg.people.map((p) => p.user),
      'people',
      'user',
    );

    if (cfg.paging_drills && !cfg.admin_channel) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin_channel'],
        message: 'required when paging_drills is set: the drill report is posted there (a Slack channel id such as C0123ADMIN)',
      });
    }

    const policies = new Set(cfg.escalation_policies.map((p) => p.id));
    const schedules = new Set(cfg.schedules.map((s) => s.id));
    const severities = new Set(cfg.severities.map((s) => s.id));
    const allowed = (set: Set<string>) => (set.size ? [...set].join(', ') : 'none are configured');
    unique(ids(cfg.heartbeats), 'heartbeats');
    heartbeatRefinements(cfg.heartbeats, { policies, severities, allowed }, ctx);

    cfg.severities.forEach((s, i) => {
      if (s.page && !policies.has(s.page)) {
        ctx.addIssue({
          code: 'custom',
          path: ['severities', i, 'page'],
          message: `unknown escalation policy "${s.page}"; allowed: ${allowed(policies)}`,
        });
      }
    });
    cfg.escalation_policies.forEach((p, i) =>
      p.levels.forEach((level, j) =>
        level.targets.forEach((t, k) => {
          if ('schedule' in t && !schedules.has(t.schedule)) {
            ctx.addIssue({
              code: 'custom',
              path: ['escalation_policies', i, 'levels', j, 'targets', k, 'schedule'],
              message: `unknown schedule "${t.schedule}"; allowed: ${allowed(schedules)}`,
            });
          }
        }),
      ),
    );
    cfg.integrations.forEach((integ, i) => {
      if (integ.type === 'alertmanager' && !integ.token) {
        ctx.addIssue({ code: 'custom', path: ['integrations', i, 'token'], message: 'an alertmanager integration needs a token' });
      }
      if (integ.type === 'generic' && !integ.token) {
        ctx.addIssue({ code: 'custom', path: ['integrations', i, 'token'], message: 'a generic integration needs a token' });
      }
      if (integ.type === 'generic' && !integ.fields) {
        ctx.addIssue({
          code: 'custom',
          path: ['integrations', i, 'fields'],
          message:
            'a generic integration needs fields: { title, group, status } as JSON pointers, such as { title: /title, group: /id, status: /status }',
        });
      }
      if (integ.type !== 'generic' && (integ.fields || integ.resolved_when || integ.envelope)) {
        ctx.addIssue({
          code: 'custom',
          path: ['integrations', i, integ.fields ? 'fields' : integ.resolved_when ? 'resolved_when' : 'envelope'],
          message: `only a generic integration maps fields; a ${integ.type} integration reads its payload's own`,
        });
      }
      if (integ.type === 'pagerduty' && !integ.routing_key) {
        ctx.addIssue({ code: 'custom', path: ['integrations', i, 'routing_key'], message: 'a pagerduty integration needs a routing_key' });
      }
      if (integ.page && !policies.has(integ.page)) {
        ctx.addIssue({
          code: 'custom',
          path: ['integrations', i, 'page'],
          message: `unknown escalation policy "${integ.page}"; allowed: ${allowed(policies)}`,
        });
      }
      for (const [field, sev] of [
        ['severity', integ.severity],
        ...Object.entries(integ.severity_map).map(([k, v]) => [`severity_map.${k}`, v]),
      ] as const) {
        if (sev && !severities.has(sev)) {
          ctx.addIssue({
            code: 'custom',
            path: ['integrations', i, field],
            message: `unknown severity "${sev}"; allowed: ${allowed(severities)}`,
          });
        }
      }
    });
    checkAlerting(
      cfg,
      {
        severities,
        policies,
        schedules,
        types: new Set(cfg.incident_types),
        // A heartbeat's alerts carry an integration id of their own, which a route may name.
        integrations: new Set([...cfg.integrations.map((i) => i.id), ...cfg.heartbeats.map((hb) => heartbeatIntegrationId(hb.id))]),
      },
      ctx,
    );
    checkChecklists(cfg, ctx);
    checkWebhooks(cfg, ctx);
    checkServices(cfg, ctx);
    checkWorkflows(
      cfg,
      {
        severities,
        types: new Set(cfg.incident_types),
        services: new Set(cfg.services.map((s) => s.id)),
        policies,
        roles: new Set(cfg.roles),
        statuses: new Set(STATUSES),
        sources: new Set([...PERSON_SOURCES, 'alert', ...cfg.integrations.map((i) => i.id)]),
      },
      ctx,
    );
  });

export type FileConfig = z.output<typeof fileConfigSchema>;
