// The alert pipeline's config: routes, grouping, maintenance windows written into the file, and the
// services a route may name. Cross-references (severities, types, policies, integrations) are checked in
// checkAlerting, once the whole file is read.
import { z } from 'zod';
import { MATCHER_SYNTAX, parseMatchers, type Matcher } from '../alerts/matchers.js';
import { DURATION_HINT, parseDuration } from './duration.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lowercase letters, digits, "-" and "_" (e.g. sev1, primary)');

const matchers = z.string({ message: `expected matchers such as ${MATCHER_SYNTAX}` }).transform((text, ctx): Matcher[] => {
  const parsed = parseMatchers(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: `${parsed.error}; expected ${MATCHER_SYNTAX}` });
    return z.NEVER;
  }
  return parsed.matchers;
});

const instant = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 instant with a zone, such as "2026-01-05T22:00:00Z"' })
  .transform((text) => new Date(text));

// A configured integration's id, or a heartbeat's alerts' `heartbeat:<id>`.
const integrationRef = z
  .string()
  .regex(/^(heartbeat:)?[a-z0-9][a-z0-9_-]*$/, "expected an integration id (e.g. prom), or heartbeat:<id> for a heartbeat's alerts");

const route = z.strictObject({
  match: matchers,
  integration: integrationRef.optional(),
  set: z
    .strictObject({ severity: id.optional(), type: z.string().min(1).optional(), service: id.optional(), page: id.optional() })
    .optional(),
  drop: z.boolean().default(false),
  continue: z.boolean().default(false),
});

const grouping = z.strictObject({
  group_by: z.array(z.string().min(1)).min(1, "list at least one label, or leave group_by out for the source's own group key").optional(),
  open_after: z
    .strictObject({
      count: z.number().int().min(1, 'expected a count of at least 1'),
      within: z.string().transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === null) {
          ctx.addIssue({ code: 'custom', message: `expected a duration: ${DURATION_HINT}; got "${text}"` });
          return z.NEVER;
        }
        return ms;
      }),
    })
    .optional(),
});

const silence = z.strictObject({
  id,
  matchers,
  starts_at: instant,
  ends_at: instant,
  comment: z.string().max(1000).default(''),
  stop_pages: z.boolean().default(false),
});

const service = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  tier: z.number().int().min(1, 'expected a tier from 1 (most critical) to 4').max(4, 'expected a tier from 1 (most critical) to 4'),
  owners: z
    .strictObject({
      schedule: id.optional(),
      policy: id.optional(),
      channel: z
        .string()
        .regex(/^[CG][A-Z0-9]+$/, 'expected a Slack channel id such as C0123PAYTEAM')
        .optional(),
      users: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id such as U0123LEAD')).default([]),
    })
    .prefault({}),
  depends_on: z.array(id).default([]),
  runbook: z.url({ message: 'expected a URL such as https://wiki.example.com/payments' }).optional(),
});

export const alertingKeys = {
  alert_routes: z.array(route).default([]),
  alert_grouping: grouping.prefault({}),
  silences: z.array(silence).default([]),
  services: z.array(service).default([]),
};

type Alerting = { [K in keyof typeof alertingKeys]: z.output<(typeof alertingKeys)[K]> };

interface Known {
  severities: Set<string>;
  policies: Set<string>;
  schedules: Set<string>;
  types: Set<string>;
  integrations: Set<string>;
}

/** The references of the alerting keys to the rest of the file, each refused naming its field and what is allowed. */
export function checkAlerting(cfg: Alerting, known: Known, ctx: z.RefinementCtx): void {
  const allowed = (set: Set<string>) => (set.size ? [...set].join(', ') : 'none are configured');
  const services = new Set(cfg.services.map((s) => s.id));
  const refer = (path: (string | number)[], what: string, value: string | undefined, set: Set<string>) => {
    if (value !== undefined && !set.has(value))
      ctx.addIssue({ code: 'custom', path, message: `unknown ${what} "${value}"; allowed: ${allowed(set)}` });
  };
  const unique = (ids: string[], key: string) => {
    const seen = new Set<string>();
    ids.forEach((value, i) => {
      if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${value}"` });
      seen.add(value);
    });
  };
  unique(
    cfg.services.map((s) => s.id),
    'services',
  );
  unique(
    cfg.silences.map((s) => s.id),
    'silences',
  );
  cfg.alert_routes.forEach((r, i) => {
    refer(['alert_routes', i, 'integration'], 'integration', r.integration, known.integrations);
    refer(['alert_routes', i, 'set', 'severity'], 'severity', r.set?.severity, known.severities);
    refer(['alert_routes', i, 'set', 'type'], 'incident type', r.set?.type, known.types);
    refer(['alert_routes', i, 'set', 'service'], 'service', r.set?.service, services);
    refer(['alert_routes', i, 'set', 'page'], 'escalation policy', r.set?.page, known.policies);
  });
  cfg.silences.forEach((s, i) => {
    // Refinements run even when a field already failed: only compare instants that were read.
    if (s.starts_at instanceof Date && s.ends_at instanceof Date && s.ends_at.getTime() <= s.starts_at.getTime())
      ctx.addIssue({ code: 'custom', path: ['silences', i, 'ends_at'], message: 'must be after starts_at' });
  });
  cfg.services.forEach((s, i) => {
    refer(['services', i, 'owners', 'schedule'], 'schedule', s.owners.schedule, known.schedules);
    refer(['services', i, 'owners', 'policy'], 'escalation policy', s.owners.policy, known.policies);
    s.depends_on.forEach((d, j) => refer(['services', i, 'depends_on', j], 'service', d, services));
  });
}
