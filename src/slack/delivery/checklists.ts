import { getIncidentChecklist, recordChecklistMessage, ticksOf } from '../../incidents/checklists.js';
import type { IncidentChecklist } from '../../db/schema.js';
import { checklistMessage } from '../blocks/checklist.js';
import { channelOf, DONE, loadIncident, Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A posted checklist is known by its id, so a retried row finds the message it already posted. */
const CHECKLIST_EVENT = 'firewatch_checklist';

async function load(ctx: DeliveryContext, id: number): Promise<IncidentChecklist> {
  const checklist = await getIncidentChecklist(ctx.db, id);
  if (!checklist) throw new Undeliverable(`incident checklist ${id} does not exist`);
  return checklist;
}

const render = async (ctx: DeliveryContext, c: IncidentChecklist) =>
  checklistMessage({ id: c.id, incidentId: c.incidentId, title: c.title, steps: c.steps, ticks: await ticksOf(ctx.db, c.id) });

/** Posts the checklist with its ticks as they are when delivered (a click before the post shows in it). */
export const postChecklist: Handler<'checklist.post'> = async (ctx, { incidentId, incidentChecklistId }, row) => {
  const checklist = await load(ctx, incidentChecklistId);
  if (checklist.messageTs) return DONE;
  const channel = channelOf(await loadIncident(ctx, incidentId));
  const marker = { eventType: CHECKLIST_EVENT, key: 'incident_checklist_id', id: checklist.id };
  const posted = await postOnce(ctx, row, { channel, ...(await render(ctx, checklist)) }, marker);
  await recordChecklistMessage(ctx.db, checklist.id, posted);
  return { status: 'done', result: { ts: posted.ts } };
};

/** Re-renders the posted checklist; one not posted yet will show its ticks when it is. */
export const updateChecklist: Handler<'checklist.update'> = async (ctx, { incidentChecklistId }) => {
  const checklist = await load(ctx, incidentChecklistId);
  if (!checklist.messageTs || !checklist.messageChannel) return { status: 'done', result: { skipped: 'not posted' } };
  await ctx.client.chat.update({ channel: checklist.messageChannel, ts: checklist.messageTs, ...(await render(ctx, checklist)) });
  return DONE;
};
