import { z } from 'zod';
import type { Config } from '../config/load.js';
import { CONTACT_METHODS, type NotificationRule } from '../config/people.js';
import type { Tx } from '../db/client.js';
import { slackRules } from './person-settings.js';

/** The methods a provider delivers; Slack's DM is the page's own and goes out at once, always. */
export type ProviderMethod = Exclude<(typeof CONTACT_METHODS)[number], 'slack'>;

const frozenRule = z.object({ after: z.number().int().min(0), via: z.array(z.enum(CONTACT_METHODS)).min(1) });

/** Everyone's rules as they were when a page started: a config change later does not change a running page. */
export const frozenRulesSchema = z.object({ defaults: z.array(frozenRule), people: z.record(z.string(), z.array(frozenRule)) });
export type FrozenRules = z.infer<typeof frozenRulesSchema>;

/** Everyone's rules now: the rules people set in Slack, else their config entry's, else the defaults. */
export async function freezeRules(tx: Tx, config: Pick<Config, 'people' | 'notifyDefaults'>): Promise<FrozenRules> {
  return frozenRules(config, await slackRules(tx));
}

/** The rules to freeze, given the ones set in Slack (which win over the config's). */
export function frozenRules(config: Pick<Config, 'people' | 'notifyDefaults'>, own: ReadonlyMap<string, NotificationRule[]>): FrozenRules {
  const people: Record<string, NotificationRule[]> = {};
  for (const person of config.people) if (person.rules) people[person.user] = person.rules;
  for (const [user, rules] of own) people[user] = rules;
  return { defaults: config.notifyDefaults, people };
}

/** A person's rules on a page: their own, else the defaults. */
export function rulesFor(rules: FrozenRules, userId: string): readonly NotificationRule[] {
  return Object.hasOwn(rules.people, userId) ? rules.people[userId]! : rules.defaults;
}

export interface PlannedAttempt {
  method: ProviderMethod;
  /** Which rule it comes from, so a method named by two rules is tried at each. */
  step: number;
  /** How long after the page first reaches the person. */
  afterMs: number;
}

/**
 * The attempts a person's rules ask for, beside the Slack DM that always goes at once. Each runs on its
 * own clock from when the page reached them, whatever the escalation levels do meanwhile.
 */
export function plannedAttempts(rules: readonly NotificationRule[]): PlannedAttempt[] {
  const planned: PlannedAttempt[] = [];
  rules.forEach((rule, step) => {
    for (const method of new Set(rule.via)) if (method !== 'slack') planned.push({ method, step, afterMs: rule.after });
  });
  return planned;
}

/** An address as a receipt shows it: enough to recognise, not enough to use. */
export function maskAddress(method: ProviderMethod, address: string): string {
  if (method === 'email') {
    const [local = '', domain = ''] = address.split('@');
    return `${local.slice(0, 1)}…${local.length > 1 ? local.slice(-1) : ''}@${domain}`;
  }
  if (method === 'push') return `${address.slice(0, 3)}…`;
  return `${address.slice(0, 3)}…${address.slice(-4)}`;
}
