import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { contactsOf, effectiveContacts, settingsOf, settingsWithPhone } from './person-settings.js';
import type { ProviderMethod } from './rules.js';

/**
 * Where a method reaches a person when it is sent: their e-mail, their phone (SMS and calls), their ntfy
 * topic; a confirmed address set in Slack wins over the config's.
 */
export async function addressOf(
  tx: Tx,
  config: Pick<Config, 'people'>,
  userId: string,
  method: ProviderMethod,
): Promise<string | undefined> {
  const contacts = await contactsOf(tx, config, userId);
  return method === 'email' ? contacts.email : method === 'push' ? contacts.ntfyTopic : contacts.phone;
}

/** Whose phone this is: a number confirmed in Slack first, then the config's numbers that Slack settings do not replace. */
export async function personByPhone(tx: Tx, config: Pick<Config, 'people'>, phone: string): Promise<string | undefined> {
  const [own] = await settingsWithPhone(tx, phone);
  if (own) return own.userId;
  for (const person of config.people) {
    if (person.phone !== phone) continue;
    if (effectiveContacts(person, await settingsOf(tx, person.user)).phone === phone) return person.user;
  }
  return undefined;
}
