// Paging beyond Slack needs its providers configured; until they are, Firewatch says at start which methods
// it cannot use and which configured rules name them, and starts all the same.
import { describe, expect, it } from 'vitest';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  captureLogs: true,
  config: {
    people: [
      {
        user: 'U0ALICE',
        phone: '+4915112345678',
        rules: [
          { after: '0m', via: ['slack'] },
          { after: '2m', via: ['sms'] },
        ],
      },
    ],
  },
});

describe('paging methods without their providers', () => {
  it('warns at start for each unavailable method and each rule naming one, and still pages in Slack', async () => {
    const warnings = fw.logs.filter((l) => l.level === 40 && String(l.msg).startsWith('paging: ')).map((l) => l.msg);
    expect(warnings).toEqual([
      'paging: email is unavailable: SMTP_URL is not set',
      'paging: sms is unavailable: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
      'paging: voice is unavailable: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
      'paging: people[0].rules[1].via names sms, which is unavailable: that step is skipped',
    ]);
    const { id, channel } = await fw.declare('Paged in Slack only');
    await fw.run('page <@U0ALICE>', { channel });
    await fw.slack.waitFor(() => fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`)));
  });
});
