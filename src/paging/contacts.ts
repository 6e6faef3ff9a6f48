import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { configuredPerson, effectiveContacts, settingsOf, settingsOfMany, settingsWithPhone, type Contacts } from './person-settings.js';
import type { ProviderMethod } from './rules.js';

const addressIn = (contacts: Contacts, method: ProviderMethod) =>
  method === 'email' ? contacts.email : method === 'push' ? contacts.ntfyTopic : contacts.phone;

/**
 * Where a method reaches a person when it is sent: their e-mail, their phone (SMS and calls), their ntfy
 * topic; a confirmed address set in Slack wins over the config's. One read for all the people asked
 * about; answers in the order asked.
 */
export async function addressesOf(
  tx: Tx,
  config: Pick<Config, 'people'>,
  wanted: ReadonlyArray<{ userId: string; method: ProviderMethod }>,
): Promise<Array<string | undefined>> {
  const settings = await settingsOfMany(
    tx,
    wanted.map((w) => w.userId),
  );
  return wanted.map(({ userId, method }) => addressIn(effectiveContacts(configuredPerson(config, userId), settings.get(userId)), method));
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
