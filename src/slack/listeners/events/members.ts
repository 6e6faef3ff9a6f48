import type { App } from '@slack/bolt';
import { z } from 'zod';
import { addMembers, removeMember } from '../../../incidents/members.js';
import { incidentByChannel } from '../../../incidents/queries.js';
import type { Services } from '../../services.js';

const memberEvent = z.object({ user: z.string().min(1), channel: z.string().min(1) });

/** Channel membership decides who may see and act on a private incident, and which incidents are on a Home. */
export function registerMemberEvents(app: App, { db, outbox }: Services): void {
  app.event('member_joined_channel', async ({ event }) => {
    const parsed = memberEvent.safeParse(event);
    if (!parsed.success) return;
    const incident = await incidentByChannel(db, parsed.data.channel);
    if (!incident) return;
    await addMembers(db, incident.id, [parsed.data.user]);
    outbox.wake();
  });

  app.event('member_left_channel', async ({ event }) => {
    const parsed = memberEvent.safeParse(event);
    if (!parsed.success) return;
    const incident = await incidentByChannel(db, parsed.data.channel);
    if (!incident) return;
    await removeMember(db, incident.id, parsed.data.user);
    outbox.wake();
  });
}
