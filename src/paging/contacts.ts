import type { Config } from '../config/load.js';
import type { ProviderMethod } from './rules.js';

/** Where a method reaches a person: their e-mail, their phone (SMS and calls), their ntfy topic. */
export function addressOf(config: Pick<Config, 'people'>, userId: string, method: ProviderMethod): string | undefined {
  const person = config.people.find((p) => p.user === userId);
  if (!person) return undefined;
  return method === 'email' ? person.email : method === 'push' ? person.ntfyTopic : person.phone;
}
