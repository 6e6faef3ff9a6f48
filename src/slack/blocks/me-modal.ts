// The `/incident me` form: a person's own e-mail, phone, ntfy topic and rules, and the form that takes the
// codes confirming a new e-mail address or phone number.
import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import type { ContactMethod } from '../../config/people.js';
import type { ConfirmedMethod } from '../../db/schema.js';
import { CODE_TTL_MS } from '../../paging/confirm-codes.js';
import { maskedPending, type Me } from '../../paging/contact-settings.js';
import { formatRules, RULES_EXAMPLE } from '../../paging/rules-text.js';
import { FIELD_ACTION } from './declare-modal.js';
import { escapeMrkdwn, truncate } from './text.js';

export const ME_CALLBACK = 'contact_settings';
export const CODE_CALLBACK = 'contact_code';
export const ENTER_CODE_ACTION = 'contact_enter_code';
/** block_id of each input; the action_id of each is FIELD_ACTION. */
export const ME_FIELDS = { email: 'email', phone: 'phone', ntfyTopic: 'ntfy_topic', rules: 'rules' } as const;
export const CODE_FIELDS: Record<ConfirmedMethod, string> = { email: 'code_email', phone: 'code_phone' };

const METHOD_LABELS: Record<ContactMethod, string> = { slack: 'Slack', email: 'E-mail', sms: 'SMS', voice: 'Calls', push: 'Push' };

function input(blockId: string, label: string, hint: string, initial: string | undefined, placeholder: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: truncate(hint, 2000) },
    element: {
      type: 'plain_text_input',
      action_id: FIELD_ACTION,
      placeholder: { type: 'plain_text', text: placeholder },
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

/** "SMS and Calls are off: TWILIO_… are not set", one line per reason. */
export function unavailableLines(unavailable: Partial<Record<ContactMethod, string>>): string[] {
  const byReason = new Map<string, string[]>();
  for (const [method, why] of Object.entries(unavailable) as Array<[ContactMethod, string]>) {
    byReason.set(why, [...(byReason.get(why) ?? []), METHOD_LABELS[method]]);
  }
  return [...byReason].map(
    ([why, methods]) => `${methods.join(' and ')} ${methods.length > 1 ? 'are' : 'is'} off on this Firewatch: ${why}.`,
  );
}

const expires = (at: Date) => `<!date^${Math.floor(at.getTime() / 1000)}^{time}|${at.toISOString().slice(11, 16)} UTC>`;

export function meModal(me: Me, unavailable: Partial<Record<ContactMethod, string>>): View {
  const pendingOf = (method: ConfirmedMethod) => me.pending.find((p) => p.method === method);
  const waiting = (method: ConfirmedMethod, otherwise: string) => {
    const pending = pendingOf(method);
    return pending
      ? `Waiting for the code sent to ${maskedPending(pending)}: until you enter it, pages use what is shown here.`
      : otherwise;
  };
  const configuredRules = me.configured?.rules;
  const fallback = configuredRules
    ? `the rules the Firewatch config gives you (${formatRules(configuredRules)})`
    : `the defaults (${formatRules(me.defaults)})`;
  const off = unavailableLines(unavailable);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Pages always reach you by Slack DM. Here you choose where else they reach you, and when. A new e-mail address or phone number is used once you enter the 6-digit code sent to it.',
      },
    },
    ...(off.length
      ? [{ type: 'context' as const, elements: off.map((line) => ({ type: 'mrkdwn' as const, text: `⛔ ${escapeMrkdwn(line)}` })) }]
      : []),
    input(ME_FIELDS.email, 'E-mail', waiting('email', 'Leave empty to get no page e-mails.'), me.contacts.email, 'you@example.com'),
    input(
      ME_FIELDS.phone,
      'Phone (SMS and calls)',
      waiting('phone', 'In E.164 form: "+", country code and number, no spaces. Leave empty to get no texts or calls.'),
      me.contacts.phone,
      '+4915112345678',
    ),
    input(
      ME_FIELDS.ntfyTopic,
      'ntfy topic (push)',
      'The topic you subscribed to in the ntfy app. Leave empty for no push.',
      me.contacts.ntfyTopic,
      'alice-pager-7f3k',
    ),
    input(
      ME_FIELDS.rules,
      'Rules',
      `Steps split by ";", each a delay after the page reaches you and the methods used then: slack, email, sms, voice, push. Leave empty for ${fallback}.`,
      me.contacts.rules ? formatRules(me.contacts.rules) : undefined,
      RULES_EXAMPLE,
    ),
  ];
  if (me.pending.length > 0) {
    const lines = me.pending.map((p) => `• ${maskedPending(p)}: code good until ${expires(p.expiresAt)}, ${p.triesLeft} tries left`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Waiting for a code*\n${lines.join('\n')}` },
      accessory: { type: 'button', action_id: ENTER_CODE_ACTION, text: { type: 'plain_text', text: 'Enter code' }, value: 'code' },
    });
  }
  return {
    type: 'modal',
    callback_id: ME_CALLBACK,
    title: { type: 'plain_text', text: 'Your paging settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

const codeMetadata = z.object({ methods: z.array(z.enum(['email', 'phone'])).min(1) });

export function readCodeMetadata(text: string): ConfirmedMethod[] | undefined {
  try {
    return codeMetadata.safeParse(JSON.parse(text)).data?.methods;
  } catch {
    return undefined;
  }
}

/** One input per address waiting for its code. */
export function codeModal(waiting: ReadonlyArray<{ method: ConfirmedMethod; maskedAddress: string }>): View {
  return {
    type: 'modal',
    callback_id: CODE_CALLBACK,
    title: { type: 'plain_text', text: 'Enter your code' },
    submit: { type: 'plain_text', text: 'Confirm' },
    close: { type: 'plain_text', text: 'Later' },
    private_metadata: JSON.stringify({ methods: waiting.map((w) => w.method) } satisfies z.infer<typeof codeMetadata>),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Firewatch sent a 6-digit code to ${waiting.map((w) => w.maskedAddress).join(' and ')}. It is good for ${CODE_TTL_MS / 60_000} minutes. Until you enter it, pages use the addresses you had. Closing this form keeps the code: enter it later with the *Enter code* button of \`/incident me\`.`,
        },
      },
      ...waiting.map((w): KnownBlock => ({
        type: 'input',
        block_id: CODE_FIELDS[w.method],
        label: { type: 'plain_text', text: `Code sent to ${w.maskedAddress}` },
        element: { type: 'plain_text_input', action_id: FIELD_ACTION, placeholder: { type: 'plain_text', text: '123456' } },
      })),
    ],
  };
}
