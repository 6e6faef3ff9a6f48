// Changing one's own contact methods and rules from Slack. A new e-mail address or phone number waits for
// the 6-digit code sent to it; until then pages keep using the confirmed one.
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import { emailAddress, ntfyTopic, phoneNumber, type ContactMethod, type NotificationRule } from '../config/people.js';
import type { Db, Tx } from '../db/client.js';
import { contactConfirmations, type ConfirmedMethod, type ContactConfirmation, type PersonSettings } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import { command, msg, refuse, type Done, type Message, type Outcome } from '../outcome.js';
import { checkCode, CODE_TRIES, CODE_TTL_MS, codeHash, codeFor, newSalt } from './confirm-codes.js';
import { configuredPerson, effectiveContacts, settingsOf, writeSettings, type ConfiguredPerson, type Contacts } from './person-settings.js';
import { maskAddress } from './rules.js';
import { formatRules, parseRulesText } from './rules-text.js';

/** The fields of the settings form, as typed. */
export interface SettingsInput {
  email: string;
  phone: string;
  ntfyTopic: string;
  rules: string;
}
export type SettingsField = keyof SettingsInput;

/** What a person's settings form shows. */
export interface Me {
  contacts: Contacts;
  configured: ConfiguredPerson | undefined;
  /** New addresses still waiting for their code. */
  pending: ContactConfirmation[];
  defaults: NotificationRule[];
}

export const WORDS: Record<ConfirmedMethod, string> = { email: 'e-mail address', phone: 'phone number' };
const ADDRESS_METHOD: Record<ConfirmedMethod, 'email' | 'sms'> = { email: 'email', phone: 'sms' };
/** Which provider sends each kind of code; without it no code can be sent, so no new address is taken. */
const CODE_BY: Record<ConfirmedMethod, ContactMethod> = { email: 'email', phone: 'sms' };

const CONFIRMED = ['email', 'phone'] as const;

/** What to store for a field typed as `typed`: null follows the config, '' removes the config's value. */
const stored = (typed: string, configured: string | undefined): string | null => (typed === (configured ?? '') ? null : typed);

export const maskedPending = (c: Pick<ContactConfirmation, 'method' | 'address'>) => maskAddress(ADDRESS_METHOD[c.method], c.address);

export async function readMe(db: Tx, config: Pick<Config, 'people' | 'notifyDefaults'>, userId: string, now = new Date()): Promise<Me> {
  const configured = configuredPerson(config, userId);
  const [settings, pending] = await Promise.all([
    settingsOf(db, userId),
    db.select().from(contactConfirmations).where(eq(contactConfirmations.userId, userId)),
  ]);
  return {
    contacts: effectiveContacts(configured, settings),
    configured,
    pending: pending.filter((p) => p.expiresAt > now && p.triesLeft > 0).sort((a, b) => a.method.localeCompare(b.method)),
    defaults: config.notifyDefaults,
  };
}

type Checked = { email: string; phone: string; ntfyTopic: string; rules: NotificationRule[] | null };

/** Checks the form as typed, and tidies it (spaces in a phone number); each field at fault gets its own message. Pure. */
export function checkSettings(
  input: SettingsInput,
  unavailable: Partial<Record<ContactMethod, string>>,
): { value: Checked; errors: Partial<Record<SettingsField, string>> } {
  const errors: Partial<Record<SettingsField, string>> = {};
  const email = input.email.trim();
  const phone = input.phone.replace(/[\s()-]/g, '');
  const topic = input.ntfyTopic.trim();
  const issue = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) => result.error?.issues[0]?.message;
  if (email) {
    const why = issue(emailAddress.safeParse(email));
    if (why) errors.email = `That is not an e-mail address: ${why}.`;
  }
  if (phone) {
    const why = issue(phoneNumber.safeParse(phone));
    if (why) errors.phone = `That is not a phone number in E.164 form: ${why.replace(/^expected a phone number in E\.164 form: /, '')}.`;
  }
  if (topic) {
    const why = issue(ntfyTopic.safeParse(topic));
    if (why) errors.ntfyTopic = `That is not an ntfy topic: ${why}.`;
  }
  const rules = parseRulesText(input.rules, unavailable);
  if (!rules.ok) errors.rules = rules.error;
  return { value: { email, phone, ntfyTopic: topic, rules: rules.ok ? rules.rules : null }, errors };
}

export interface CodeSent {
  method: ConfirmedMethod;
  maskedAddress: string;
}

/**
 * Saves the form in one transaction: removals, the ntfy topic and the rules at once; each new e-mail or
 * phone becomes a confirmation whose code the outbox sends. A value the config already gives needs no code.
 */
export async function saveSettings(
  db: Db,
  ctx: { config: Pick<Config, 'people' | 'notifyDefaults'>; unavailable: Partial<Record<ContactMethod, string>>; secret: string },
  request: { userId: string; input: SettingsInput; now?: Date },
): Promise<Done<{ codesSent: CodeSent[] }> | { ok: false; errors: Partial<Record<SettingsField, string>> }> {
  const { value, errors } = checkSettings(request.input, ctx.unavailable);
  const { userId } = request;
  const now = request.now ?? new Date();
  const configured = configuredPerson(ctx.config, userId);
  return db.transaction(async (tx) => {
    const current = effectiveContacts(configured, await settingsOf(tx, userId));
    const changed = (method: ConfirmedMethod) => value[method] !== (current[method] ?? '');
    const needsCode = (method: ConfirmedMethod) => changed(method) && value[method] !== '' && value[method] !== configured?.[method];
    for (const method of CONFIRMED) {
      const why = ctx.unavailable[CODE_BY[method]];
      if (why && !errors[method] && needsCode(method))
        errors[method] = `Firewatch cannot send a code to a new ${WORDS[method]} here (${why}), so it cannot take one.`;
    }
    if (Object.keys(errors).length > 0) return { ok: false as const, errors };

    const fields: Partial<Pick<PersonSettings, 'email' | 'phone' | 'ntfyTopic' | 'rules'>> = {};
    const codesSent: CodeSent[] = [];
    for (const method of CONFIRMED) {
      if (!changed(method)) continue;
      await tx.delete(contactConfirmations).where(and(eq(contactConfirmations.userId, userId), eq(contactConfirmations.method, method)));
      if (needsCode(method)) codesSent.push(await startConfirmation(tx, ctx.secret, { userId, method, address: value[method], now }));
      else fields[method] = stored(value[method], configured?.[method]);
    }
    if (value.ntfyTopic !== (current.ntfyTopic ?? '')) fields.ntfyTopic = stored(value.ntfyTopic, configured?.ntfyTopic);
    const typedRules = value.rules ? formatRules(value.rules) : '';
    if (typedRules !== (current.rules ? formatRules(current.rules) : '')) {
      fields.rules = value.rules && typedRules !== (configured?.rules ? formatRules(configured.rules) : '') ? value.rules : null;
    }
    if (Object.keys(fields).length > 0) await writeSettings(tx, userId, fields);
    if (codesSent.length > 0) {
      const sent = codesSent.map((c) => `a code to ${c.maskedAddress}`).join(' and ');
      return {
        ok: true as const,
        codesSent,
        message: msg`Saved. Firewatch sent ${sent}: enter it to start using the new address. Until then pages use the one you had.`,
      };
    }
    const text = `Saved: ${describeContacts(effectiveContacts(configured, await settingsOf(tx, userId)), ctx.config.notifyDefaults)}`;
    await enqueue(tx, [{ kind: 'notice.dm', payload: { userId, text } }], { orderingKey: `contact:${userId}` });
    return { ok: true as const, codesSent, message: msg`${text}` };
  });
}

/** A person's contacts in a sentence, as their DM confirms them. */
export function describeContacts(contacts: Contacts, defaults: readonly NotificationRule[]): string {
  const reach = [
    'Slack DM',
    ...(contacts.email ? [`e-mail to ${contacts.email}`] : []),
    ...(contacts.phone ? [`SMS and calls to ${contacts.phone}`] : []),
    ...(contacts.ntfyTopic ? [`push to ntfy topic ${contacts.ntfyTopic}`] : []),
  ];
  const rules = contacts.rules ? `your rules: ${formatRules(contacts.rules)}` : `the default rules: ${formatRules(defaults)}`;
  return `pages can reach you by ${reach.join(', ')}, following ${rules}.`;
}

async function startConfirmation(
  tx: Tx,
  secret: string,
  c: { userId: string; method: ConfirmedMethod; address: string; now: Date },
): Promise<CodeSent> {
  const salt = newSalt();
  const [row] = await tx
    .insert(contactConfirmations)
    .values({
      userId: c.userId,
      method: c.method,
      address: c.address,
      salt,
      codeHash: codeHash(secret, salt, codeFor(secret, salt)),
      expiresAt: new Date(c.now.getTime() + CODE_TTL_MS),
      triesLeft: CODE_TRIES,
    })
    .returning();
  if (!row) throw new Error('the confirmation was not recorded');
  await enqueue(tx, [{ kind: 'contact.code', payload: { confirmationId: row.id } }], { orderingKey: `contact:${row.id}` });
  return { method: c.method, maskedAddress: maskedPending(row) };
}

/** Checks a typed code; the right one moves the address into the person's settings and says so by DM. */
export async function confirmContact(
  db: Db,
  secret: string,
  request: { userId: string; method: ConfirmedMethod; typed: string; now?: Date },
): Promise<Outcome> {
  const now = request.now ?? new Date();
  const anew = (first: Message): Message => [...first, ' ', ...msg`Save the address again in ${command('me')} for a new code.`];
  return db.transaction(async (tx) => {
    const [pending] = await tx
      .select()
      .from(contactConfirmations)
      .where(and(eq(contactConfirmations.userId, request.userId), eq(contactConfirmations.method, request.method)))
      .for('update');
    if (!pending) return refuse('not_found', anew(msg`No code is waiting for a new ${WORDS[request.method]} of yours.`), request.method);
    const masked = maskedPending(pending);
    const check = checkCode(secret, pending, request.typed, now);
    switch (check.kind) {
      case 'malformed':
        return refuse('invalid', msg`A code is 6 digits, as sent to ${masked}.`, request.method);
      case 'expired':
        return refuse('final', anew(msg`The code sent to ${masked} expired (codes last ${CODE_TTL_MS / 60_000} minutes).`), request.method);
      case 'used_up':
        return refuse('final', anew(msg`No tries are left for the code sent to ${masked}.`), request.method);
      case 'wrong': {
        await tx
          .update(contactConfirmations)
          .set({ triesLeft: sql`${contactConfirmations.triesLeft} - 1` })
          .where(eq(contactConfirmations.id, pending.id));
        const left = check.triesLeft;
        return refuse(
          'invalid',
          left > 0
            ? msg`That is not the code sent to ${masked}: ${left} ${left === 1 ? 'try' : 'tries'} left.`
            : anew(msg`That is not the code sent to ${masked}, and it was the last try.`),
          request.method,
        );
      }
      case 'confirmed': {
        await writeSettings(tx, request.userId, { [request.method]: pending.address });
        await tx.delete(contactConfirmations).where(eq(contactConfirmations.id, pending.id));
        const how = request.method === 'email' ? 'by e-mail at' : 'by SMS and calls at';
        const text = `Confirmed: from now on pages reach you ${how} ${masked}.`;
        await enqueue(tx, [{ kind: 'notice.dm', payload: { userId: request.userId, text } }], { orderingKey: `contact:${pending.id}` });
        return { ok: true, message: msg`${text}` };
      }
    }
  });
}
