import { subscribe } from '../../../digests/subscriptions.js';
import { allowedMoves, isStatus } from '../../../incidents/lifecycle.js';
import { incidentKey } from '../../../incidents/queries.js';
import { changeStatus } from '../../../workflow/changes.js';
import { SUMMARY_ACTIONS } from '../../blocks/incident.js';
import { changeStatusModal, declineModal, updateModal } from '../../blocks/modals.js';
import { mrkdwn, say } from '../../outcome.js';
import { idAnd, incidentButton, openForm, tell, type Button } from './buttons.js';

const summary = (value: string) => {
  const parsed = idAnd(value);
  return parsed && { incidentId: parsed.id, seen: parsed.rest };
};

/** The buttons of an incident's pinned summary; each carries the status it was shown in, so a stale click is refused. */
export const summaryButtons: readonly Button[] = [
  incidentButton({
    actionId: SUMMARY_ACTIONS.postUpdate,
    parse: summary,
    run: (click) => openForm(click, (row) => updateModal(click.services.config, row)),
  }),
  incidentButton({
    actionId: SUMMARY_ACTIONS.changeStatus,
    parse: summary,
    // A stale button on a closed incident: a form with no move to choose would be a broken one.
    run: (click) =>
      openForm(click, (row) =>
        allowedMoves(row.status).length
          ? changeStatusModal(row)
          : { refusal: `${incidentKey(row.id)} is ${row.status}; its status is final.` },
      ),
  }),
  incidentButton({ actionId: SUMMARY_ACTIONS.decline, parse: summary, run: (click) => openForm(click, declineModal) }),
  incidentButton({
    actionId: SUMMARY_ACTIONS.resolve,
    parse: summary,
    run: async ({ services, value, userId, reply }) => {
      const seen = isStatus(value.seen) ? { expectedFrom: value.seen } : {};
      const change = { incidentId: value.incidentId, actor: userId, to: 'resolved' as const, ...seen };
      await tell(reply, say(await changeStatus(services.db, services.config, change)));
    },
  }),
  incidentButton({
    actionId: SUMMARY_ACTIONS.accept,
    parse: summary,
    run: async ({ services, value, userId, reply }) => {
      const change = { incidentId: value.incidentId, actor: userId, to: 'investigating' as const, expectedFrom: 'triage' as const };
      const outcome = await changeStatus(services.db, services.config, change);
      await tell(reply, outcome.ok ? `${mrkdwn(outcome.message)} You accepted it.` : say(outcome));
    },
  }),
  incidentButton({
    actionId: SUMMARY_ACTIONS.subscribe,
    parse: summary,
    run: async ({ services, value, userId, reply }) => {
      const key = `INC-${value.incidentId}`;
      const added = await subscribe(services.db, userId, value.incidentId);
      await tell(
        reply,
        added ? `🔔 You will get a DM for every update, status change and resolution of ${key}.` : `You are already subscribed to ${key}.`,
      );
    },
  }),
];
