import type { Env } from './env.js';
import type { Config } from './load.js';
import type { ContactMethod } from './people.js';

/** Why each contact method that cannot be used is unavailable: its provider is not configured. */
export function unavailableMethods(env: Env): Partial<Record<ContactMethod, string>> {
  const twilio = env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM;
  return {
    ...(env.SMTP_URL ? {} : { email: 'SMTP_URL is not set' }),
    ...(twilio
      ? {}
      : {
          sms: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
          voice: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
        }),
  };
}

/**
 * What an operator should know at start-up about paging beyond Slack: each method that is unavailable, and
 * each rule of the config that names one (those steps are skipped, so the person is reached only by the rest).
 */
export function pagingWarnings(env: Env, config: Config): string[] {
  const unavailable = unavailableMethods(env);
  const warnings = Object.entries(unavailable).map(([method, why]) => `${method} is unavailable: ${why}`);
  const named = (where: string, rules: Config['notifyDefaults']) =>
    rules.forEach((rule, i) => {
      for (const method of rule.via) {
        if (unavailable[method]) warnings.push(`${where}[${i}].via names ${method}, which is unavailable: that step is skipped`);
      }
    });
  named('notify_defaults', config.notifyDefaults);
  config.people.forEach((person, i) => person.rules && named(`people[${i}].rules`, person.rules));
  return warnings;
}
