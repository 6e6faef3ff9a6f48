/**
 * How a button is listened to: ack, read what its value names, run, and answer the clicker whatever
 * happens. A button is declared with its action id, so the set of handled actions is read off the same
 * declarations that register the listeners.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';
import type { Incident } from '../../../db/schema.js';
import { getIncident } from '../../../incidents/queries.js';
import type { Services } from '../../services.js';
import { findTarget } from '../target.js';

export interface Button {
  actionId: string;
  listen(app: App, services: Services): void;
}

const buttonBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string() })).min(1),
});
const clicker = z.object({ user: z.object({ id: z.string() }) });

export type Respond = (message: {
  response_type?: 'ephemeral';
  replace_original?: boolean;
  text: string;
  blocks?: unknown[];
}) => Promise<unknown>;

export const tell = async (respond: Respond, text: string): Promise<void> => {
  await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
};

/** A record id as a button carries it: digits within Postgres's integer range. */
export const anId = (value: string): number | undefined => {
  const n = Number(value);
  return /^\d{1,10}$/.test(value) && n <= 2_147_483_647 ? n : undefined;
};
/** `<id>:<word>`: a summary button's incident and the status seen, an Escalate button's page and step. */
export const idAnd = (value: string): { id: number; rest: string } | undefined => {
  const match = /^(\d{1,10}):([a-z0-9]+)$/.exec(value);
  const id = match ? anId(match[1] ?? '') : undefined;
  return id === undefined ? undefined : { id, rest: match?.[2] ?? '' };
};
export const incidentValue = (value: string) => {
  const id = anId(value);
  return id === undefined ? undefined : { incidentId: id };
};

export interface Click<T> {
  services: Services;
  value: T;
  userId: string;
  triggerId: string;
  reply: Respond;
  /** The button is in a message (it has a response_url), not in a view such as the App Home. */
  inMessage: boolean;
}

interface ButtonSpec<T> {
  actionId: string;
  /** What the value names, for the answer to a button that does not carry it. */
  what: string;
  parse: (value: string) => T | undefined;
  run: (click: Click<T>) => Promise<void>;
  failure?: string;
}

export function button<T>({
  actionId,
  what,
  parse,
  run,
  failure = '⚠️ Firewatch could not do that right now; try again in a moment.',
}: ButtonSpec<T>): Button {
  const listen = (app: App, services: Services) => {
    /** Bolt gives no respond() for a button without a response_url (one inside a modal): answer by DM then. */
    const responder = (respond: Respond | undefined, body: unknown): Respond =>
      respond ??
      (async (message) => {
        const userId = clicker.safeParse(body).data?.user.id;
        if (userId) await services.client.chat.postMessage({ channel: userId, text: message.text });
      });
    app.action<BlockButtonAction>(actionId, async ({ ack, body, respond }) => {
      await ack();
      const reply = responder(respond, body);
      const parsed = buttonBody.safeParse(body);
      const value = parsed.success ? parse(parsed.data.actions[0]?.value ?? '') : undefined;
      if (!parsed.success || value === undefined) {
        await tell(reply, `⚠️ That button did not carry ${what}; use the /incident command instead.`);
        return;
      }
      try {
        await run({
          services,
          value,
          userId: parsed.data.user.id,
          triggerId: parsed.data.trigger_id,
          reply,
          inMessage: respond !== undefined,
        });
        services.outbox.wake();
      } catch (err) {
        services.logger.error({ err, actionId }, 'button failed');
        await tell(reply, failure);
      }
    });
  };
  return { actionId, listen };
}

/** A button about an incident acts only for people who may see it. */
export function incidentButton<T extends { incidentId: number }>(spec: Omit<ButtonSpec<T>, 'what'>): Button {
  return button({
    ...spec,
    what: 'an incident',
    run: async (click) => {
      const target = await findTarget(click.services, { ref: click.value.incidentId, channelId: undefined, userId: click.userId });
      if (!target.ok) await tell(click.reply, `⚠️ ${target.message}`);
      else await spec.run(click);
    },
  });
}

/**
 * Opens a form about the clicked incident (access was checked by incidentButton). `make` answers with a
 * refusal instead of a form when the incident, as it is now, leaves the form nothing to offer.
 */
export async function openForm(
  click: Click<{ incidentId: number }>,
  make: (incident: Incident) => View | { refusal: string } | Promise<View | { refusal: string }>,
): Promise<void> {
  const { services } = click;
  const row = await getIncident(services.db, click.value.incidentId);
  if (!row) return;
  const view = await make(row);
  if ('refusal' in view) {
    await tell(click.reply, `⚠️ ${view.refusal}`);
    return;
  }
  await services.client.views.open({ trigger_id: click.triggerId, view }).catch(async (err: unknown) => {
    services.logger.warn({ err }, 'could not open a form');
    await tell(click.reply, '⚠️ Slack did not open the form in time; click again.');
  });
}
