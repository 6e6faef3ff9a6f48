import { z } from 'zod';
import type { Config } from '../config/load.js';
import type { PageState } from '../db/schema.js';
import { onCallAt, type ScheduleDef } from './schedule.js';

/** How long a one-person page (`/incident page @bob`) waits for an acknowledgement. */
export const DEFAULT_PAGE_DELAY_MS = 5 * 60_000;

const scheduleDefSchema = z.object({
  id: z.string(),
  timeZone: z.string(),
  rotation: z.object({ start: z.string(), lengthMs: z.number(), users: z.array(z.string()) }),
  overrides: z.array(z.object({ user: z.string(), start: z.string(), end: z.string() })),
});

const targetSchema = z.union([z.object({ user: z.string() }), z.object({ schedule: scheduleDefSchema })]);

/** A policy as frozen into a page: schedules included, so later config edits change nothing of a running page. */
export const frozenPolicySchema = z.object({
  id: z.string(),
  repeat: z.number().int().min(0),
  levels: z.array(z.object({ delayMs: z.number().int().positive(), targets: z.array(targetSchema) })).min(1),
});
export type FrozenPolicy = z.infer<typeof frozenPolicySchema>;
export type FrozenTarget = z.infer<typeof targetSchema>;

/** `schedules`: as they stand now (`currentSchedules`), Slack overrides included. */
export function freezePolicy(config: Config, policyId: string, current: readonly ScheduleDef[]): FrozenPolicy | undefined {
  const policy = config.escalationPolicies.find((p) => p.id === policyId);
  if (!policy) return undefined;
  const schedules = new Map(current.map((s) => [s.id, s] as const));
  return {
    id: policy.id,
    repeat: policy.repeat,
    levels: policy.levels.map((level) => ({
      delayMs: level.delay,
      targets: level.targets.map((t): FrozenTarget => {
        if ('user' in t) return { user: t.user };
        const schedule = schedules.get(t.schedule);
        // The config schema refuses unknown schedules, so this is a programming error.
        if (!schedule) throw new Error(`policy ${policy.id} names unknown schedule ${t.schedule}`);
        return { schedule };
      }),
    })),
  };
}

/** `/incident page @bob`: one level, the default delay, no repeat. */
export function personPolicy(userId: string): FrozenPolicy {
  return { id: `user:${userId}`, repeat: 0, levels: [{ delayMs: DEFAULT_PAGE_DELAY_MS, targets: [{ user: userId }] }] };
}

export interface ResolvedTargets {
  users: string[];
  /** Schedules with nobody on call: skipped, and the skip is recorded. */
  skipped: string[];
}

/** Who a level notifies at a moment: its users, and whoever is on call for each of its schedules. */
export function resolveLevel(policy: FrozenPolicy, level: number, at: Date): ResolvedTargets {
  const users: string[] = [];
  const skipped: string[] = [];
  for (const target of policy.levels[level]?.targets ?? []) {
    if ('user' in target) {
      users.push(target.user);
      continue;
    }
    const onCall = onCallAt(target.schedule as ScheduleDef, at);
    if (onCall) users.push(onCall);
    else skipped.push(target.schedule.id);
  }
  return { users: [...new Set(users)], skipped };
}

export interface PagePosition {
  state: PageState;
  level: number;
  loop: number;
  nextEscalationAt: Date | null;
}

export type EscalationStep =
  { kind: 'none'; why: 'not-triggered' | 'not-due' } | { kind: 'notify'; level: number; loop: number } | { kind: 'exhaust' };

/**
 * The escalation step function. A triggered page whose time has come (or that someone escalates now)
 * moves to the next level; after the last level it starts again from the first while passes remain
 * (`repeat` extra passes), then it is exhausted. Acknowledged, resolved and exhausted pages never move.
 */
export function escalationStep(policy: FrozenPolicy, page: PagePosition, now: Date, manual = false): EscalationStep {
  if (page.state !== 'triggered') return { kind: 'none', why: 'not-triggered' };
  if (!manual && (page.nextEscalationAt === null || page.nextEscalationAt.getTime() > now.getTime()))
    return { kind: 'none', why: 'not-due' };
  if (page.level + 1 < policy.levels.length) return { kind: 'notify', level: page.level + 1, loop: page.loop };
  if (page.loop < policy.repeat) return { kind: 'notify', level: 0, loop: page.loop + 1 };
  return { kind: 'exhaust' };
}
