import type { App, BlockButtonAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { changeStatus } from '../../../incidents/changes.js';
import { completeFollowup, followupsOf, getFollowup } from '../../../incidents/followups.js';
import { getIncident } from '../../../incidents/queries.js';
import { isStatus } from '../../../incidents/lifecycle.js';
import { FOLLOWUP_DONE_ACTION, followupListMessage } from '../../blocks/lists.js';
import { SUMMARY_ACTIONS } from '../../blocks/incident.js';
import { PAGE_ACTIONS } from '../../blocks/paging.js';
import { POSTMORTEM_WRITE_ACTION, postmortemModal } from '../../blocks/postmortem.js';
import { answersOf } from '../../../postmortems/store.js';
import { REMINDER_ACTIONS } from '../../blocks/timeline.js';
import { snoozeReminders, stopReminders } from '../../../digests/reminders.js';
import { subscribe } from '../../../digests/subscriptions.js';
import { acknowledgePage, escalateNow } from '../../../paging/pages.js';
import { changeStatusModal, declineModal, updateModal } from '../../blocks/modals.js';
import type { Services } from '../../services.js';
import { findTarget } from '../target.js';

/** `<incident id>:<status seen>` from a summary button. */
const summaryValue = z
  .string()
  .regex(/^\d+:[a-z]+$/)
  .transform((v) => {
    const [id, status] = v.split(':');
    return { incidentId: Number(id), seen: status ?? '' };
  });

const buttonBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string() })).min(1),
});

type Respond = (message: { response_type?: 'ephemeral'; replace_original?: boolean; text: string; blocks?: unknown[] }) => Promise<unknown>;
const tell = (respond: Respond, text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
const userOf = (body: unknown) => z.object({ user: z.object({ id: z.string() }) }).safeParse(body).data?.user.id;

export function registerActions(app: App, services: Services): void {
  /** Bolt gives no respond() for a button without a response_url (one inside a modal): answer by DM then. */
  const responder =
    (respond: Respond | undefined, body: unknown): Respond =>
    respond ??
    (async (message) => {
      const userId = userOf(body);
      if (userId) await services.client.chat.postMessage({ channel: userId, text: message.text });
    });

  /** Summary buttons: parse, check who may act, then run the action after the ack. */
  type ButtonContext = { incidentId: number; seen: string; userId: string; triggerId: string; respond: Respond; client: WebClient };
  const onSummaryButton = (actionId: string, run: (ctx: ButtonContext) => Promise<void>) => {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, respond }) => {
      await ack();
      const reply = responder(respond, body);
      const parsed = buttonBody.safeParse(body);
      const value = parsed.success ? summaryValue.safeParse(parsed.data.actions[0]?.value) : undefined;
      if (!parsed.success || !value?.success) {
        await tell(reply, '⚠️ That button did not carry what Firewatch needs; use the /incident command instead.');
        return;
      }
      const userId = parsed.data.user.id;
      try {
        const target = await findTarget(services, { ref: value.data.incidentId, channelId: undefined, userId });
        if (!target.ok) {
          await tell(reply, `⚠️ ${target.message}`);
          return;
        }
        await run({ ...value.data, userId, triggerId: parsed.data.trigger_id, respond: reply, client: services.client });
        services.outbox.wake();
      } catch (err) {
        services.logger.error({ err, actionId }, 'summary button failed');
        await tell(reply, '⚠️ Firewatch could not do that right now; try again in a moment.');
      }
    });
  };

  const openView = async ({ client, triggerId, respond }: ButtonContext, view: View) => {
    await client.views.open({ trigger_id: triggerId, view }).catch(async (err: unknown) => {
      services.logger.warn({ err }, 'could not open a form');
      await tell(respond, '⚠️ Slack did not open the form in time; click again.');
    });
  };

  onSummaryButton(SUMMARY_ACTIONS.postUpdate, async (ctx) => {
    const incident = await getIncident(services.db, ctx.incidentId);
    if (incident) await openView(ctx, updateModal(services.config, incident));
  });
  onSummaryButton(SUMMARY_ACTIONS.changeStatus, async (ctx) => {
    const incident = await getIncident(services.db, ctx.incidentId);
    if (incident) await openView(ctx, changeStatusModal(incident));
  });
  onSummaryButton(SUMMARY_ACTIONS.decline, async (ctx) => {
    const incident = await getIncident(services.db, ctx.incidentId);
    if (incident) await openView(ctx, declineModal(incident));
  });
  onSummaryButton(SUMMARY_ACTIONS.resolve, async ({ incidentId, seen, userId, respond }) => {
    const outcome = await changeStatus(services.db, services.config, { incidentId, actor: userId, to: 'resolved', ...(isStatus(seen) ? { expectedFrom: seen } : {}) });
    await tell(respond, outcome.ok ? outcome.message : `⚠️ ${outcome.message}`);
  });
  onSummaryButton(SUMMARY_ACTIONS.accept, async ({ incidentId, userId, respond }) => {
    const outcome = await changeStatus(services.db, services.config, { incidentId, actor: userId, to: 'investigating', expectedFrom: 'triage' });
    await tell(respond, outcome.ok ? `${outcome.message} You accepted it.` : `⚠️ ${outcome.message}`);
  });

  // Page buttons live in the paged person's DM; acknowledging makes them a member of the incident.
  app.action<BlockButtonAction>(PAGE_ACTIONS.acknowledge, async ({ ack, body, respond }) => {
    await ack();
    const reply = responder(respond, body);
    const parsed = buttonBody.safeParse(body);
    const pageId = parsed.success ? Number(parsed.data.actions[0]?.value) : NaN;
    if (!parsed.success || !Number.isSafeInteger(pageId)) {
      await tell(reply, '⚠️ That button did not carry a page.');
      return;
    }
    try {
      const outcome = await acknowledgePage(services.db, { pageId, actor: parsed.data.user.id });
      await tell(reply, outcome.ok ? outcome.message : `⚠️ ${outcome.message}`);
      services.outbox.wake();
    } catch (err) {
      services.logger.error({ err }, 'acknowledge failed');
      await tell(reply, '⚠️ Firewatch could not record the acknowledgement; try again in a moment.');
    }
  });

  app.action<BlockButtonAction>(PAGE_ACTIONS.escalate, async ({ ack, body, respond }) => {
    await ack();
    const reply = responder(respond, body);
    const parsed = buttonBody.safeParse(body);
    const match = parsed.success ? /^(\d+):(\d+)$/.exec(parsed.data.actions[0]?.value ?? '') : null;
    if (!parsed.success || !match) {
      await tell(reply, '⚠️ That button did not carry a page.');
      return;
    }
    try {
      const outcome = await escalateNow(services.db, { pageId: Number(match[1]), actor: parsed.data.user.id, expectedStep: Number(match[2]) });
      await tell(reply, outcome.ok ? outcome.message : `⚠️ ${outcome.message}`);
      services.outbox.wake();
    } catch (err) {
      services.logger.error({ err }, 'escalate failed');
      await tell(reply, '⚠️ Firewatch could not escalate; try again in a moment.');
    }
  });

  onSummaryButton(SUMMARY_ACTIONS.subscribe, async ({ incidentId, userId, respond }) => {
    const added = await subscribe(services.db, userId, incidentId);
    await tell(respond, added ? `🔔 You will get a DM for every update, status change and resolution of INC-${incidentId}.` : `You are already subscribed to INC-${incidentId}.`);
  });

  /** Reminder buttons carry the incident id; whoever may act on the incident may snooze or stop them. */
  const onReminderButton = (actionId: string, run: (incidentId: number, userId: string) => Promise<{ ok: boolean; message: string }>) => {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, respond }) => {
      await ack();
      const reply = responder(respond, body);
      const parsed = buttonBody.safeParse(body);
      const incidentId = parsed.success ? Number(parsed.data.actions[0]?.value) : NaN;
      if (!parsed.success || !Number.isSafeInteger(incidentId)) {
        await tell(reply, '⚠️ That button did not carry an incident.');
        return;
      }
      try {
        const target = await findTarget(services, { ref: incidentId, channelId: undefined, userId: parsed.data.user.id });
        const outcome = target.ok ? await run(incidentId, parsed.data.user.id) : { ok: false, message: target.message };
        await tell(reply, outcome.ok ? outcome.message : `⚠️ ${outcome.message}`);
      } catch (err) {
        services.logger.error({ err, actionId }, 'reminder button failed');
        await tell(reply, '⚠️ Firewatch could not do that right now; try again in a moment.');
      }
    });
  };
  onReminderButton(REMINDER_ACTIONS.snooze, (incidentId, actor) => snoozeReminders(services.db, { incidentId, actor }));
  onReminderButton(REMINDER_ACTIONS.stop, (incidentId, actor) => stopReminders(services.db, { incidentId, actor }));

  // "Write postmortem" on the resolution message and on a refused close: the form, filled with earlier answers.
  app.action<BlockButtonAction>(POSTMORTEM_WRITE_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const reply = responder(respond, body);
    const parsed = buttonBody.safeParse(body);
    const incidentId = parsed.success ? Number(parsed.data.actions[0]?.value) : NaN;
    if (!parsed.success || !Number.isSafeInteger(incidentId)) {
      await tell(reply, '⚠️ That button did not carry an incident.');
      return;
    }
    try {
      const target = await findTarget(services, { ref: incidentId, channelId: undefined, userId: parsed.data.user.id });
      if (!target.ok) {
        await tell(reply, `⚠️ ${target.message}`);
        return;
      }
      await services.client.views.open({ trigger_id: parsed.data.trigger_id, view: postmortemModal(target.incident, await answersOf(services.db, incidentId)) });
    } catch (err) {
      services.logger.warn({ err }, 'could not open the postmortem form');
      await tell(reply, '⚠️ Slack did not open the form in time; click again.');
    }
  });

  app.action<BlockButtonAction>(FOLLOWUP_DONE_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const reply = responder(respond, body);
    const parsed = buttonBody.safeParse(body);
    const followupId = parsed.success ? Number(parsed.data.actions[0]?.value) : NaN;
    if (!parsed.success || !Number.isSafeInteger(followupId)) {
      await tell(reply, '⚠️ That button did not carry a follow-up.');
      return;
    }
    try {
      const followup = await getFollowup(services.db, followupId);
      const target = followup ? await findTarget(services, { ref: followup.incidentId, channelId: undefined, userId: parsed.data.user.id }) : undefined;
      if (!followup || !target?.ok) {
        await tell(reply, '⚠️ That follow-up no longer exists.');
        return;
      }
      const outcome = await completeFollowup(services.db, { followupId, actor: parsed.data.user.id });
      if (!outcome.ok) await tell(reply, `⚠️ ${outcome.message}`);
      await reply({ replace_original: true, ...followupListMessage(target.incident, await followupsOf(services.db, followup.incidentId)) });
    } catch (err) {
      services.logger.error({ err }, 'follow-up done failed');
      await tell(reply, '⚠️ Firewatch could not do that right now; try again in a moment.');
    }
  });
}
