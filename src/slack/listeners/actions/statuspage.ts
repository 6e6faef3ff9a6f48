/**
 * The buttons that open the status page form: the summary's **Status page**, the resolve reply's
 * **Publish resolution** (prefilled to tell the public that what it still shows as affected is back), and
 * the preview's **Back** to the form as it was filled in.
 */
import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Incident } from '../../../db/schema.js';
import { lastPublicTitle, stillPublicComponents } from '../../../statuspage/store.js';
import { unpublishable } from '../../../workflow/publish-status.js';
import { SUMMARY_ACTIONS } from '../../blocks/incident.js';
import { PUBLISH_RESOLUTION_ACTION, readDraft, STATUSPAGE_BACK_ACTION, statusPageFormView } from '../../blocks/statuspage-modal.js';
import { mrkdwn } from '../../outcome.js';
import type { Services } from '../../services.js';
import { idAnd, incidentButton, incidentValue, openForm, type Button, type Click } from './buttons.js';

/** The form for `row`, or why there is none: no page configured, or an incident that is never public. */
async function formFor(services: Services, row: Incident, resolution: boolean) {
  const page = services.config.statusPage;
  if (!page) return { refusal: 'No status page is configured: add `status_page` to the config first.' };
  const never = unpublishable(row);
  if (never) return { refusal: mrkdwn(never.message) };
  const title = (await lastPublicTitle(services.db, row.id)) ?? row.title;
  const components = resolution ? await stillPublicComponents(services.db, row.id) : [];
  return statusPageFormView(page, {
    incidentId: row.id,
    title,
    components,
    state: resolution ? 'operational' : 'degraded_performance',
    message: '',
  });
}

const open = (resolution: boolean) => (click: Click<{ incidentId: number }>) =>
  openForm(click, (row) => formFor(click.services, row, resolution));

const backBody = z.object({
  view: z.object({ id: z.string().min(1), hash: z.string().optional(), private_metadata: z.string() }),
});

/** Back swaps the preview for the form, filled in with the draft the preview carried. */
const backButton: Button = {
  actionId: STATUSPAGE_BACK_ACTION,
  listen(app: App, services: Services) {
    app.action<BlockButtonAction>(STATUSPAGE_BACK_ACTION, async ({ ack, body }) => {
      await ack();
      const parsed = backBody.safeParse(body);
      const draft = parsed.success ? readDraft(parsed.data.view.private_metadata) : undefined;
      const page = services.config.statusPage;
      if (!parsed.success || !draft || !page) return;
      const { id, hash } = parsed.data.view;
      await services.client.views
        .update({ view_id: id, ...(hash ? { hash } : {}), view: statusPageFormView(page, draft) })
        .catch((err: unknown) => services.logger.warn({ err }, 'could not go back to the status page form'));
    });
  },
};

export const statusPageButtons: readonly Button[] = [
  incidentButton({
    actionId: SUMMARY_ACTIONS.statusPage,
    parse: (value) => {
      const parsed = idAnd(value);
      return parsed && { incidentId: parsed.id };
    },
    run: open(false),
  }),
  incidentButton({ actionId: PUBLISH_RESOLUTION_ACTION, parse: incidentValue, run: open(true) }),
  backButton,
];
