// Each person's own contact methods and rules, set with `/incident me`, over their config `people:` entry.
import { eq, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config/load.js';
import { CONTACT_METHODS, type NotificationRule } from '../config/people.js';
import type { Tx } from '../db/client.js';
import { personSettings, type PersonSettings } from '../db/schema.js';

/** A person's entry in the config's `people:`. */
export type ConfiguredPerson = Config['people'][number];

/** A person's contacts as pages use them: where Slack settings say something, they win, field by field. */
export interface Contacts {
  email: string | undefined;
  phone: string | undefined;
  ntfyTopic: string | undefined;
  rules: NotificationRule[] | undefined;
}

const storedRules = z.array(z.object({ after: z.number().int().min(0), via: z.array(z.enum(CONTACT_METHODS)).min(1) })).min(1);

/** Rules as stored; a row that no longer reads as rules follows the config rather than paging nobody. */
export function rulesOfSettings(settings: Pick<PersonSettings, 'rules'> | undefined): NotificationRule[] | undefined {
  if (!settings?.rules) return undefined;
  const parsed = storedRules.safeParse(settings.rules);
  return parsed.success ? parsed.data : undefined;
}

/** null follows the config; '' is an address the person removed. */
const over = (own: string | null | undefined, configured: string | undefined) =>
  own === null || own === undefined ? configured : own === '' ? undefined : own;

/** The precedence itself, pure: the Slack settings field by field, else the config's entry. */
export function effectiveContacts(configured: ConfiguredPerson | undefined, settings: PersonSettings | undefined): Contacts {
  return {
    email: over(settings?.email, configured?.email),
    phone: over(settings?.phone, configured?.phone),
    ntfyTopic: over(settings?.ntfyTopic, configured?.ntfyTopic),
    rules: rulesOfSettings(settings) ?? configured?.rules,
  };
}

export const configuredPerson = (config: Pick<Config, 'people'>, userId: string) => config.people.find((p) => p.user === userId);

export async function settingsOf(tx: Tx, userId: string): Promise<PersonSettings | undefined> {
  const [row] = await tx.select().from(personSettings).where(eq(personSettings.userId, userId));
  return row;
}

/** Several people's settings, in one read. */
export async function settingsOfMany(tx: Tx, userIds: readonly string[]): Promise<Map<string, PersonSettings>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(personSettings)
    .where(inArray(personSettings.userId, [...new Set(userIds)]));
  return new Map(rows.map((row) => [row.userId, row]));
}

export async function contactsOf(tx: Tx, config: Pick<Config, 'people'>, userId: string): Promise<Contacts> {
  return effectiveContacts(configuredPerson(config, userId), await settingsOf(tx, userId));
}

/** Everyone's own rules set in Slack, by user. */
export async function slackRules(tx: Tx): Promise<Map<string, NotificationRule[]>> {
  const rows = await tx
    .select({ userId: personSettings.userId, rules: personSettings.rules })
    .from(personSettings)
    .where(isNotNull(personSettings.rules));
  const byUser = new Map<string, NotificationRule[]>();
  for (const row of rows) {
    const rules = rulesOfSettings(row);
    if (rules) byUser.set(row.userId, rules);
  }
  return byUser;
}

/** The people whose Slack settings name this phone number, newest first. */
export async function settingsWithPhone(tx: Tx, phone: string): Promise<PersonSettings[]> {
  const rows = await tx.select().from(personSettings).where(eq(personSettings.phone, phone));
  return rows.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
}

/** Writes some of a person's fields, leaving the others as they were. */
export async function writeSettings(
  tx: Tx,
  userId: string,
  fields: Partial<Pick<PersonSettings, 'email' | 'phone' | 'ntfyTopic' | 'rules'>>,
): Promise<void> {
  await tx
    .insert(personSettings)
    .values({ userId, ...fields })
    .onConflictDoUpdate({ target: personSettings.userId, set: { ...fields, updatedAt: new Date() } });
}
