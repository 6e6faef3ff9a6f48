import { acknowledgePage, escalateNow } from '../../../paging/acknowledge.js';
import { PAGE_ACTIONS } from '../../blocks/paging.js';
import { say } from '../../outcome.js';
import { anId, button, idAnd, tell, type Button } from './buttons.js';

const escalation = (value: string) => {
  const parsed = idAnd(value);
  return parsed && /^\d+$/.test(parsed.rest) ? { pageId: parsed.id, step: Number(parsed.rest) } : undefined;
};

/** Page buttons live in the paged person's DM; acknowledging makes them a member of the incident. */
export const pageButtons: readonly Button[] = [
  button({
    actionId: PAGE_ACTIONS.acknowledge,
    what: 'a page',
    parse: anId,
    run: async ({ services, value, userId, reply }) =>
      tell(reply, say(await acknowledgePage(services.db, { pageId: value, actor: userId, via: 'slack' }))),
    failure: '⚠️ Firewatch could not record the acknowledgement; try again in a moment.',
  }),
  button({
    actionId: PAGE_ACTIONS.escalate,
    what: 'a page',
    parse: escalation,
    run: async ({ services, value, userId, reply }) =>
      tell(reply, say(await escalateNow(services.db, { pageId: value.pageId, actor: userId, expectedStep: value.step }))),
    failure: '⚠️ Firewatch could not escalate; try again in a moment.',
  }),
];
