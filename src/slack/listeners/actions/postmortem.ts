import { answersOf } from '../../../postmortems/store.js';
import { POSTMORTEM_WRITE_ACTION, postmortemModal } from '../../blocks/postmortem.js';
import { incidentButton, incidentValue, openForm, type Button } from './buttons.js';

/** "Write postmortem" on the resolution message and on a refused close: the form, filled with earlier answers. */
export const postmortemButtons: readonly Button[] = [
  incidentButton({
    actionId: POSTMORTEM_WRITE_ACTION,
    parse: incidentValue,
    run: (click) => openForm(click, async (row) => postmortemModal(row, await answersOf(click.services.db, row.id))),
    failure: '⚠️ Slack did not open the form in time; click again.',
  }),
];
