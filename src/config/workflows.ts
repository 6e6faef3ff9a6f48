// The `workflows:` key: when a trigger occurs and the conditions hold, do the actions. References to the
// rest of the file (severities, types, services, policies, roles, checklists, webhooks) and loops between
// workflows are checked in checkWorkflows, once the whole file is read.
import { z } from 'zod';
import { findWorkflowLoop, isDurationTrigger, ACTIONS, TRIGGERS, type ActionKind } from '../automation/triggers.js';
import { parseTemplate, type Template } from '../automation/templates.js';
import { DURATION_HINT, parseDuration } from './duration.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lowercase letters, digits, "-" and "_" (e.g. sev1, primary)');
const slackUser = z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id such as U0123CTO');
const slackChannel = z.string().regex(/^[CG][A-Z0-9]+$/, 'expected a Slack channel id such as C0123EXEC');

const template = z
  .string()
  .min(1, 'expected some text')
  .max(3000, 'expected at most 3000 characters (a Slack section holds no more)')
  .transform((text, ctx): Template => {
    const parsed = parseTemplate(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed.template;
  });

const duration = z.string({ message: `expected a duration: ${DURATION_HINT}` }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a duration: ${DURATION_HINT}; got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

const conditions = z.strictObject({
  severity: z
    .union([z.array(id).min(1), z.strictObject({ at_least: id })], {
      message: 'expected a list such as [sev1, sev2] or { at_least: sev2 }',
    })
    .optional(),
  type: z.array(z.string().min(1)).min(1).optional(),
  service: z.array(id).min(1).optional(),
  tier: z
    .strictObject({ at_most: z.number().int().min(1).max(4).optional(), at_least: z.number().int().min(1).max(4).optional() })
    .optional(),
  private: z.boolean().optional(),
  source: z.array(z.string().min(1)).min(1).optional(),
  status: z.array(z.string().min(1)).min(1).optional(),
});

/** The incident channel, another channel, or by DM to the lead or a role's holder. */
export type PostTarget = 'incident' | { channel: string } | { dm: string };

const actionSchemas = {
  invite: z
    .union([z.array(slackUser).min(1), z.strictObject({ user_group: z.string().regex(/^S[A-Z0-9]+$/) })], {
      message: 'expected a list of Slack user ids such as [U0123CTO], or { user_group: S0123LEGAL }',
    })
    .transform((v) => (Array.isArray(v) ? { kind: 'invite' as const, users: v } : { kind: 'invite' as const, userGroup: v.user_group })),
  page: id.transform((policy) => ({ kind: 'page' as const, policy })),
  post: z
    .strictObject({ text: template, channel: slackChannel.optional(), dm: id.optional() })
    .refine((p) => !(p.channel && p.dm), { message: 'post either to a channel or by dm, not both' })
    .transform(({ text, channel, dm }) => {
      const to: PostTarget = channel !== undefined ? { channel } : dm !== undefined ? { dm } : 'incident';
      return { kind: 'post' as const, text, to };
    }),
  role: z
    .record(id, slackUser)
    .refine((r) => Object.keys(r).length > 0, { message: 'expected a role and a person, such as { comms: U0123ALICE }' })
    .transform((r) => ({ kind: 'role' as const, assign: Object.entries(r).map(([role, user]) => ({ role, user })) })),
  bookmark: z
    .strictObject({ title: z.string().min(1).max(200), url: z.url({ message: 'expected a URL such as https://wiki.example.com/runbook' }) })
    .transform((b) => ({ kind: 'bookmark' as const, title: b.title, url: b.url })),
  checklist: id.transform((checklist) => ({ kind: 'checklist' as const, checklist })),
  followup: z
    .strictObject({ text: template, owner: slackUser.optional() })
    .transform((f) => ({ kind: 'followup' as const, text: f.text, owner: f.owner })),
  webhook: id.transform((webhook) => ({ kind: 'webhook' as const, webhook })),
} satisfies Record<ActionKind, z.ZodType>;

export type WorkflowAction = { [K in ActionKind]: z.output<(typeof actionSchemas)[K]> }[ActionKind];

const isAction = (key: string): key is ActionKind => (ACTIONS as readonly string[]).includes(key);

/** One action is an object of exactly one known key (`page: primary`); its value is read by that key's schema. */
const action = z.record(z.string(), z.unknown()).transform((raw, ctx): WorkflowAction => {
  const keys = Object.keys(raw);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected one action per item, one of: ${ACTIONS.join(', ')}` });
    return z.NEVER;
  }
  if (!isAction(key)) {
    ctx.addIssue({ code: 'custom', path: [key], message: `unknown action "${key}"; known: ${ACTIONS.join(', ')}` });
    return z.NEVER;
  }
  const parsed = actionSchemas[key].safeParse(raw[key]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
    return z.NEVER;
  }
  return parsed.data as WorkflowAction;
});

const workflow = z
  .strictObject({
    id,
    when: z.enum(TRIGGERS),
    after: duration.optional(),
    if: conditions.optional(),
    do: z.array(action).min(1, 'list at least one action'),
  })
  .superRefine((w, ctx) => {
    if (isDurationTrigger(w.when) && w.after === undefined)
      ctx.addIssue({ code: 'custom', path: ['after'], message: `required for when: ${w.when}: how long, such as 15m or 30s` });
    if (!isDurationTrigger(w.when) && w.after !== undefined)
      ctx.addIssue({ code: 'custom', path: ['after'], message: `only the *_for triggers wait; when: ${w.when} runs when it happens` });
  });

export type Workflow = z.output<typeof workflow>;

export const workflowKeys = {
  workflows: z.array(workflow).default([]),
};

interface Known {
  severities: Set<string>;
  types: Set<string>;
  services: Set<string>;
  policies: Set<string>;
  /** The configured roles, without the lead. */
  roles: Set<string>;
  statuses: Set<string>;
  sources: Set<string>;
}

const knownList = (set: Set<string>) => (set.size ? [...set].join(', ') : 'none are configured');

/** The workflows' references to the rest of the file and their loops, each refused naming its field. */
export function checkWorkflows(cfg: Parameters<typeof checkWorkflowReferences>[0], known: Known, ctx: z.RefinementCtx): void {
  const refer = (path: (string | number)[], what: string, value: string, set: Set<string>) => {
    if (!set.has(value)) ctx.addIssue({ code: 'custom', path, message: `unknown ${what} "${value}"; known: ${knownList(set)}` });
  };
  const roles = new Set(['lead', ...known.roles]);
  const seen = new Set<string>();
  cfg.workflows.forEach((w, i) => {
    const at = (...rest: (string | number)[]) => ['workflows', i, ...rest];
    if (seen.has(w.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate id "${w.id}"` });
    seen.add(w.id);
    const c = w.if;
    if (c?.severity !== undefined) {
      if (Array.isArray(c.severity)) c.severity.forEach((s, j) => refer(at('if', 'severity', j), 'severity', s, known.severities));
      else refer(at('if', 'severity', 'at_least'), 'severity', c.severity.at_least, known.severities);
    }
    c?.type?.forEach((t, j) => refer(at('if', 'type', j), 'type', t, known.types));
    c?.service?.forEach((s, j) => refer(at('if', 'service', j), 'service', s, known.services));
    c?.status?.forEach((s, j) => refer(at('if', 'status', j), 'status', s, known.statuses));
    c?.source?.forEach((s, j) => refer(at('if', 'source', j), 'source', s, known.sources));
    w.do.forEach((a, j) => {
      if (a.kind === 'page') refer(at('do', j, 'page'), 'policy', a.policy, known.policies);
      if (a.kind === 'role') a.assign.forEach((r) => refer(at('do', j, 'role', r.role), 'role', r.role, roles));
      if (a.kind === 'post' && typeof a.to === 'object' && 'dm' in a.to) refer(at('do', j, 'post', 'dm'), 'role', a.to.dm, roles);
    });
  });
  checkWorkflowReferences(cfg, ctx);
  const loop = findWorkflowLoop(cfg.workflows.map((w) => ({ id: w.id, when: w.when, actions: w.do.map((a) => a.kind) })));
  if (loop) {
    const index = cfg.workflows.findIndex((w) => w.id === loop[0]);
    const how =
      loop.length === 2
        ? `workflow "${loop[0]}" would trigger itself`
        : `workflows would trigger one another for ever: ${loop.join(' → ')}`;
    ctx.addIssue({ code: 'custom', path: ['workflows', index], message: `${how} (its role action records role_assigned)` });
  }
}

/** `checklist:` and `webhook:` name entries of the file's `checklists:` and `webhooks:`. */
export function checkWorkflowReferences(
  cfg: { workflows: Workflow[]; checklists: ReadonlyArray<{ id: string }>; webhooks: ReadonlyArray<{ id: string }> },
  ctx: z.RefinementCtx,
): void {
  const ids = (list: ReadonlyArray<{ id: string }>): Set<string> => new Set(list.map((item) => item.id));
  const checklists = ids(cfg.checklists);
  const webhooks = ids(cfg.webhooks);
  cfg.workflows.forEach((w, i) =>
    w.do.forEach((a, j) => {
      const [set, what, value] =
        a.kind === 'checklist' ? [checklists, 'checklist', a.checklist] : a.kind === 'webhook' ? [webhooks, 'webhook', a.webhook] : [];
      if (set && value !== undefined && !set.has(value))
        ctx.addIssue({
          code: 'custom',
          path: ['workflows', i, 'do', j, a.kind],
          message: `unknown ${what} "${value}"; known: ${knownList(set)}`,
        });
    }),
  );
}
