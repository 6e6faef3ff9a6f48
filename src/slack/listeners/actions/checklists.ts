// A click on a checklist's checkboxes. Slack sends the group's whole selection and the block it is in;
// both can be forged, so the workflow checks the checklist, the steps and that the clicker may see the
// incident before anything is recorded.
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { tickChecklist } from '../../../workflow/checklists.js';
import { CHECKLIST_TICK_ACTION, parseChecklistBlockId } from '../../blocks/checklist.js';
import { say } from '../../outcome.js';
import type { Services } from '../../services.js';
import { tell, type Button, type Respond } from './buttons.js';

const step = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number);

const clickBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  actions: z
    .array(
      z.object({
        action_id: z.literal(CHECKLIST_TICK_ACTION),
        block_id: z.string(),
        selected_options: z.array(z.object({ value: step })).max(10),
      }),
    )
    .length(1),
});

async function onClick(services: Services, body: unknown, reply: Respond | undefined): Promise<void> {
  const answer = async (text: string) => {
    if (reply) await tell(reply, text);
  };
  const parsed = clickBody.safeParse(body);
  const action = parsed.data?.actions[0];
  const block = action && parseChecklistBlockId(action.block_id);
  if (!parsed.success || !action || !block) {
    await answer('⚠️ That click did not carry a checklist; use `/incident checklist` instead.');
    return;
  }
  const outcome = await tickChecklist(services.db, {
    incidentChecklistId: block.id,
    group: block.group,
    selected: action.selected_options.map((o) => o.value),
    actor: parsed.data.user.id,
  });
  // A tick says itself in the message; only a refusal needs words.
  if (!outcome.ok) await answer(say(outcome));
  services.outbox.wake();
}

export const checklistActions: readonly Button[] = [
  {
    actionId: CHECKLIST_TICK_ACTION,
    listen(app: App, services: Services) {
      app.action(CHECKLIST_TICK_ACTION, async ({ ack, body, respond }) => {
        await ack();
        try {
          await onClick(services, body, respond);
        } catch (err) {
          services.logger.error({ err, actionId: CHECKLIST_TICK_ACTION }, 'checklist click failed');
          if (respond) await tell(respond, '⚠️ Firewatch could not record that right now; tick it again in a moment.');
        }
      });
    },
  },
];
