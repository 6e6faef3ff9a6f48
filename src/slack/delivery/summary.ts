import type { Incident } from '../../db/schema.js';
import { latestEvent, recordSlackRefs } from '../../incidents/queries.js';
import { checklistsOf } from '../../incidents/checklists.js';
import { rolesOf } from '../../incidents/roles.js';
import { affectedServices } from '../../incidents/services.js';
import { supersededBy } from '../../outbox/supersede.js';
import { latestPostmortem } from '../../postmortems/store.js';
import { announcementMessage, summaryMessage, type SummaryState } from '../blocks/incident.js';
import { platformCode } from '../errors.js';
import { channelOf, DONE, loadIncident, Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** Tools that look for the summary or the announcement find them by these metadata event types. */
const SUMMARY_EVENT = 'firewatch_incident_summary';
const ANNOUNCEMENT_EVENT = 'firewatch_incident_announcement';
/** A channel full of pins, or a workspace where apps may not pin: a setting, not something a retry changes. */
const PIN_REFUSED = new Set(['restricted_action', 'too_many_pins']);

async function summaryState(ctx: DeliveryContext, incident: Incident): Promise<SummaryState> {
  const update = await latestEvent(ctx.db, incident.id, 'status_update');
  const postmortem = await latestPostmortem(ctx.db, incident.id);
  return {
    incident,
    postmortem: postmortem ? { version: postmortem.version, permalink: postmortem.permalink } : undefined,
    roles: await rolesOf(ctx.db, incident.id),
    checklists: (await checklistsOf(ctx.db, incident.id)).map((c) => ({
      title: c.checklist.title,
      done: c.ticks.length,
      total: c.checklist.steps.length,
    })),
    services: ((await affectedServices(ctx.db, [incident.id])).get(incident.id) ?? []).map((s) => s.serviceId),
    lastUpdate: update ? { message: String(update.data.message ?? ''), actor: update.actor, at: update.occurredAt } : undefined,
  };
}

export const postSummary: Handler<'summary.post'> = async (ctx, { incidentId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.summaryTs) return DONE;
  const { ts } = await postOnce(
    ctx,
    row,
    { channel: channelOf(incident), ...summaryMessage(ctx.config, await summaryState(ctx, incident)) },
    { eventType: SUMMARY_EVENT, key: 'incident_id', id: incident.id },
  );
  await recordSlackRefs(ctx.db, incident.id, { summaryTs: ts });
  return { status: 'done', result: { ts } };
};

export const pinSummary: Handler<'summary.pin'> = async (ctx, { incidentId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  if (!incident.summaryTs) throw new Undeliverable('the summary was never posted');
  try {
    await ctx.client.pins.add({ channel, timestamp: incident.summaryTs });
  } catch (err) {
    const code = platformCode(err);
    if (!code || !PIN_REFUSED.has(code)) throw err;
    // The summary is there, only not pinned: the incident's set-up goes on without it.
    ctx.logger.warn({ incidentId, channel, error: code }, 'Slack would not pin the incident summary; it stays in the channel unpinned');
    return { status: 'done', result: { skipped: code } };
  }
  return DONE;
};

export const updateSummary: Handler<'summary.update'> = async (ctx, { incidentId }, row) => {
  const later = await supersededBy(ctx.db, row);
  if (later) return { status: 'done', result: { superseded: later } };
  const incident = await loadIncident(ctx, incidentId);
  if (!incident.summaryTs) throw new Undeliverable('the summary was never posted');
  await ctx.client.chat.update({
    channel: channelOf(incident),
    ts: incident.summaryTs,
    ...summaryMessage(ctx.config, await summaryState(ctx, incident)),
  });
  return DONE;
};

export const announce: Handler<'incident.announce'> = async (ctx, { incidentId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.announcementTs || !incident.announcementChannel || incident.isPrivate) return DONE;
  const { ts } = await postOnce(
    ctx,
    row,
    { channel: incident.announcementChannel, ...announcementMessage(ctx.config, incident, channelOf(incident)), unfurl_links: false },
    { eventType: ANNOUNCEMENT_EVENT, key: 'incident_id', id: incident.id },
  );
  await recordSlackRefs(ctx.db, incident.id, { announcementTs: ts });
  return { status: 'done', result: { ts } };
};
