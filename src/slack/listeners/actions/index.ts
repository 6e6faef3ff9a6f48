import type { App, BlockButtonAction } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';
import { snoozeReminders, stopReminders } from '../../../incidents/cadence.js';
import { subscribe } from '../../../digests/subscriptions.js';
import { changeStatus } from '../../../workflow/changes.js';
import { completeFollowup, followupsOf, getFollowup } from '../../../incidents/followups.js';
import { isStatus } from '../../../incidents/lifecycle.js';
import { getIncident } from '../../../incidents/queries.js';
import type { Incident } from '../../../db/schema.js';
import { acknowledgePage, escalateNow } from '../../../paging/acknowledge.js';
import { answersOf } from '../../../postmortems/store.js';
import { SUMMARY_ACTIONS } from '../../blocks/incident.js';
import { FOLLOWUP_DONE_ACTION, followupListMessage } from '../../blocks/lists.js';
import { changeStatusModal, declineModal, updateModal } from '../../blocks/modals.js';
import { PAGE_ACTIONS } from '../../blocks/paging.js';
import { POSTMORTEM_WRITE_ACTION, postmortemModal } from '../../blocks/postmortem.js';
import { REMINDER_ACTIONS } from '../../blocks/timeline.js';
import type { Services } from '../../services.js';
import { findTarget } from '../target.js';

const buttonBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string() })).min(1),
});

type Respond = (message: { response_type?: 'ephemeral'; replace_original?: boolean; text: string; blocks?: unknown[] }) => Promise<unknown>;
const tell = async (respond: Respond, text: string): Promise<void> => {
  await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
};
const userOf = (body: unknown) => z.object({ user: z.object({ id: z.string() }) }).safeParse(body).data?.user.id;
const say = (outcome: { ok: boolean; message: string }) => (outcome.ok ? outcome.message : `⚠️ ${outcome.message}`);

/** A record id as a button carries it: digits within Postgres's integer range. */
const anId = (value: string): number | undefined => {
  const n = Number(value);
  return /^\d{1,10}$/.test(value) && n <= 2_147_483_647 ? n : undefined;
};
/** `<id>:<word>`: a summary button's incident and the status seen, an Escalate button's page and step. */
const idAnd = (value: string): { id: number; rest: string } | undefined => {
  const match = /^(\d{1,10}):([a-z0-9]+)$/.exec(value);
  const id = match ? anId(match[1] ?? '') : undefined;
  return id === undefined ? undefined : { id, rest: match?.[2] ?? '' };
};

interface Click<T> {
  value: T;
  userId: string;
  triggerId: string;
  reply: Respond;
}

export function registerActions(app: App, services: Services): void {
  /** Bolt gives no respond() for a button without a response_url (one inside a modal): answer by DM then. */
  const responder = (respond: Respond | undefined, body: unknown): Respond =>
    respond ??
    (async (message) => {
      const userId = userOf(body);
      if (userId) await services.client.chat.postMessage({ channel: userId, text: message.text });
    });

  /** Every button: ack, read what its value names, run, and answer the clicker whatever happens. */
  const onButton = <T>(
    actionId: string,
    what: string,
    parse: (value: string) => T | undefined,
    run: (click: Click<T>) => Promise<void>,
    failure = '⚠️ Firewatch could not do that right now; try again in a moment.',
  ) => {
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
        await run({ value, userId: parsed.data.user.id, triggerId: parsed.data.trigger_id, reply });
        services.outbox.wake();
      } catch (err) {
        services.logger.error({ err, actionId }, 'button failed');
        await tell(reply, failure);
      }
    });
  };

  /** Buttons about an incident act only for people who may see it. */
  const onIncidentButton = <T extends { incidentId: number }>(
    actionId: string,
    parse: (value: string) => T | undefined,
    run: (click: Click<T>) => Promise<void>,
    failure?: string,
  ) =>
    onButton(
      actionId,
      'an incident',
      parse,
      async (click) => {
        const target = await findTarget(services, { ref: click.value.incidentId, channelId: undefined, userId: click.userId });
        if (!target.ok) await tell(click.reply, `⚠️ ${target.message}`);
        else await run(click);
      },
      failure,
    );

  const summary = (value: string) => {
    const parsed = idAnd(value);
    return parsed && { incidentId: parsed.id, seen: parsed.rest };
  };
  const incident = (value: string) => {
    const id = anId(value);
    return id === undefined ? undefined : { incidentId: id };
  };

  /** Opens a form about the clicked incident (access was checked by onIncidentButton). */
  const openForm = async (click: Click<{ incidentId: number }>, make: (incident: Incident) => View | Promise<View>) => {
    const row = await getIncident(services.db, click.value.incidentId);
    if (!row) return;
    const view = await make(row);
    await services.client.views.open({ trigger_id: click.triggerId, view }).catch(async (err: unknown) => {
      services.logger.warn({ err }, 'could not open a form');
      await tell(click.reply, '⚠️ Slack did not open the form in time; click again.');
    });
  };

  onIncidentButton(SUMMARY_ACTIONS.postUpdate, summary, (click) => openForm(click, (row) => updateModal(services.config, row)));
  onIncidentButton(SUMMARY_ACTIONS.changeStatus, summary, (click) => openForm(click, changeStatusModal));
  onIncidentButton(SUMMARY_ACTIONS.decline, summary, (click) => openForm(click, declineModal));
  onIncidentButton(SUMMARY_ACTIONS.resolve, summary, async ({ value, userId, reply }) => {
    const seen = isStatus(value.seen) ? { expectedFrom: value.seen } : {};
    await tell(
      reply,
      say(await changeStatus(services.db, services.config, { incidentId: value.incidentId, actor: userId, to: 'resolved', ...seen })),
    );
  });
  onIncidentButton(SUMMARY_ACTIONS.accept, summary, async ({ value, userId, reply }) => {
    const outcome = await changeStatus(services.db, services.config, {
      incidentId: value.incidentId,
      actor: userId,
      to: 'investigating',
      expectedFrom: 'triage',
    });
    await tell(reply, outcome.ok ? `${outcome.message} You accepted it.` : say(outcome));
  });
  onIncidentButton(SUMMARY_ACTIONS.subscribe, summary, async ({ value, userId, reply }) => {
    const key = `INC-${value.incidentId}`;
    const added = await subscribe(services.db, userId, value.incidentId);
    await tell(
      reply,
      added ? `🔔 You will get a DM for every update, status change and resolution of ${key}.` : `You are already subscribed to ${key}.`,
    );
  });

  // Page buttons live in the paged person's DM; acknowledging makes them a member of the incident.
  onButton(
    PAGE_ACTIONS.acknowledge,
    'a page',
    anId,
    async ({ value, userId, reply }) => tell(reply, say(await acknowledgePage(services.db, { pageId: value, actor: userId }))),
    '⚠️ Firewatch could not record the acknowledgement; try again in a moment.',
  );
  onButton(
    PAGE_ACTIONS.escalate,
    'a page',
    (value) => {
      const parsed = idAnd(value);
      return parsed && /^\d+$/.test(parsed.rest) ? { pageId: parsed.id, step: Number(parsed.rest) } : undefined;
    },
    async ({ value, userId, reply }) =>
      tell(reply, say(await escalateNow(services.db, { pageId: value.pageId, actor: userId, expectedStep: value.step }))),
    '⚠️ Firewatch could not escalate; try again in a moment.',
  );

  // Reminder buttons: whoever may act on the incident may snooze or stop them.
  onIncidentButton(REMINDER_ACTIONS.snooze, incident, async ({ value, userId, reply }) =>
    tell(reply, say(await snoozeReminders(services.db, { incidentId: value.incidentId, actor: userId }))),
  );
  onIncidentButton(REMINDER_ACTIONS.stop, incident, async ({ value, userId, reply }) =>
    tell(reply, say(await stopReminders(services.db, { incidentId: value.incidentId, actor: userId }))),
  );

  // "Write postmortem" on the resolution message and on a refused close: the form, filled with earlier answers.
  onIncidentButton(
    POSTMORTEM_WRITE_ACTION,
    incident,
    (click) => openForm(click, async (row) => postmortemModal(row, await answersOf(services.db, row.id))),
    '⚠️ Slack did not open the form in time; click again.',
  );

  onButton(FOLLOWUP_DONE_ACTION, 'a follow-up', anId, async ({ value, userId, reply }) => {
    const followup = await getFollowup(services.db, value);
    const target = followup ? await findTarget(services, { ref: followup.incidentId, channelId: undefined, userId }) : undefined;
    if (!followup || !target?.ok) {
      await tell(reply, '⚠️ That follow-up no longer exists.');
      return;
    }
    const outcome = await completeFollowup(services.db, { followupId: value, actor: userId });
    if (!outcome.ok) await tell(reply, say(outcome));
    await reply({ replace_original: true, ...followupListMessage(target.incident, await followupsOf(services.db, followup.incidentId)) });
  });
}
