import { z } from 'zod';

/** Where an answer to a person goes: their response_url if Slack gave one, else an ephemeral in a channel. */
export const replyTargetSchema = z.object({
  userId: z.string(),
  responseUrl: z.url().optional(),
  channelId: z.string().optional(),
});
export type ReplyTarget = z.infer<typeof replyTargetSchema>;

const incidentRef = { incidentId: z.number().int().positive() };

/**
 * Side effects the domain asks for, by kind. They name what should happen, not which Slack call does it:
 * the payload carries references, and what is shown is rendered from the database when delivered.
 */
export const effectSchemas = {
  'channel.create': z.object(incidentRef),
  'channel.invite': z.object({ ...incidentRef, users: z.array(z.string()).min(1) }),
  'channel.topic': z.object(incidentRef),
  /** Adds a link to the incident channel's bookmarks bar (a service's runbook, a workflow's bookmark), once. */
  'channel.bookmark': z.object({ ...incidentRef, title: z.string().min(1), link: z.url() }),
  'summary.post': z.object(incidentRef),
  'summary.pin': z.object(incidentRef),
  'incident.announce': z.object(incidentRef),
  'reply.declared': z.object({ ...incidentRef, target: replyTargetSchema }),
  /** Re-renders the pinned summary from the incident's current state. */
  'summary.update': z.object(incidentRef),
  /** Posts a timeline event: in the incident channel, or in the thread under its announcement. */
  'timeline.post': z.object({
    ...incidentRef,
    eventId: z.number().int().positive(),
    where: z.enum(['channel', 'announcement_thread']),
    /** Also show a thread reply in the announcements channel itself (resolutions). */
    broadcast: z.boolean().default(false),
  }),
  /** Tells someone given a role what it means. */
  'role.dm': z.object({ ...incidentRef, eventId: z.number().int().positive() }),
  'channel.archive': z.object(incidentRef),
  /** Pages one person by DM with Acknowledge and Escalate buttons (skipped if the page ended meanwhile). */
  'page.dm': z.object({ ...incidentRef, pageId: z.number().int().positive(), notificationId: z.number().int().positive() }),
  /** Edits every DM of a page that ended: who acknowledged it and when, or that it was resolved. */
  'page.dm.update': z.object({ ...incidentRef, pageId: z.number().int().positive() }),
  /** Reminds the lead in the channel that a status update is due, with Post update, Snooze and Stop. */
  'reminder.post': z.object({ ...incidentRef, eventId: z.number().int().positive() }),
  /** Tells one subscriber about a timeline event (a status change or update) by DM. */
  'subscriber.dm': z.object({ ...incidentRef, eventId: z.number().int().positive(), userId: z.string() }),
  /** Posts a built digest (stored in job_runs) to the digest channel, or by DM to one subscriber. */
  'digest.post': z.object({ job: z.string(), dueAt: z.string(), userId: z.string().optional() }),
  /** Tells a follow-up's owner it is overdue, with a Done button. */
  'followup.dm': z.object({ ...incidentRef, followupId: z.number().int().positive() }),
  /** Uploads a compiled postmortem to the incident channel as a Markdown file. */
  'postmortem.upload': z.object({ ...incidentRef, postmortemId: z.number().int().positive(), summary: z.string() }),
  /** Puts a compiled postmortem into the incident's canvas (created on the first version), where the workspace allows it. */
  'postmortem.canvas': z.object({ ...incidentRef, postmortemId: z.number().int().positive() }),
  /** One message for the alert changes of a minute beyond the first few, which were posted one by one. */
  'alerts.summary': z.object({ ...incidentRef, minute: z.string() }),
  /** Tells someone privately that something they did could not be shown in Slack. */
  'notice.dm': z.object({ userId: z.string(), text: z.string() }),
  /** A notification's line in the incident channel, edited into the receipt of its attempts. */
  'page.receipt': z.object({ ...incidentRef, notificationId: z.number().int().positive() }),
  /** One attempt to reach a paged person by e-mail, SMS, voice or push, through its provider; a test page has no incident. */
  'notify.send': z.object({
    incidentId: incidentRef.incidentId.nullable(),
    pageId: z.number().int().positive(),
    attemptId: z.number().int().positive(),
  }),
  /** Sends the 6-digit code that confirms a person's new e-mail address (SMTP) or phone number (SMS). */
  'contact.code': z.object({ confirmationId: z.number().int().positive() }),
  /** A test page's DM to the person tested, with an Acknowledge button; edited once the test page is over. */
  'testpage.dm': z.object({ pageId: z.number().int().positive(), notificationId: z.number().int().positive() }),
  /** The DM to whoever asked for a test page, re-rendered from its receipts: posted first, edited after. */
  'testpage.report': z.object({ pageId: z.number().int().positive() }),
  /** The report of one paging drill (a `paging-drills` run), posted in the admin channel once its test pages are over. */
  'drill.report': z.object({ dueAt: z.string() }),
  /** Posts a cover request with its I'll cover button; rendered from the request as it stands (taken or not). */
  'cover.post': z.object({ requestId: z.number().int().positive() }),
  /** Edits the posted cover request to say who took it. */
  'cover.update': z.object({ requestId: z.number().int().positive() }),
  /** Tells the requester, or the person who took it, that a cover request was taken. */
  'cover.dm': z.object({ requestId: z.number().int().positive(), userId: z.string() }),
  /** Tells one person how a schedule change (a stored coverage_changes row) moved their shifts. */
  'coverage.dm': z.object({ changeId: z.number().int().positive(), userId: z.string() }),
  /** Posts the gaps, double cover and DST-length shifts a schedule change leaves in the admin channel. */
  'coverage.admin': z.object({ changeId: z.number().int().positive() }),
  /** Tells the admin channel that a reload refused a config file (a config_refusals row) and the last good one still runs. */
  'config.refused': z.object({ key: z.string() }),
  /**
   * Tells the admin channel that Amazon SNS asks a generic integration to confirm a topic's subscription,
   * with the SubscribeURL for an admin to visit: Firewatch never visits it itself.
   */
  'sns.subscription': z.object({ integration: z.string(), topicArn: z.string(), subscribeUrl: z.url() }),
  /** Re-publishes one person's App Home from what is true now (their shifts, pages, incidents, follow-ups). */
  'home.publish': z.object({ userId: z.string() }),
  /**
   * Makes a schedule's Slack user group hold whoever is on call; with nobody on call, the group is left as
   * it is (Slack refuses an empty group) and admin_channel is told.
   */
  'usergroup.sync': z.object({ scheduleId: z.string(), userGroup: z.string(), users: z.array(z.string()) }),
  /** A hand-off (a `schedule_handoffs` row) posted in its schedule's channel. */
  'handoff.post': z.object({ scheduleId: z.string(), at: z.string() }),
  /** A hand-off told by DM to the person coming on call. */
  'handoff.dm': z.object({ scheduleId: z.string(), at: z.string() }),
  /** Posts a checklist given to the incident in its channel, its steps as checkboxes. */
  'checklist.post': z.object({ ...incidentRef, incidentChecklistId: z.number().int().positive() }),
  /** Re-renders a posted checklist with its ticks as they are now, so everyone sees what the clicker saw. */
  'checklist.update': z.object({ ...incidentRef, incidentChecklistId: z.number().int().positive() }),
  /** One attempt to deliver an outbound webhook (a `webhook_deliveries` row) to its receiver. */
  'webhook.deliver': z.object({ deliveryId: z.number().int().positive() }),
  /**
   * Runs the workflows a timeline event starts (the trigger of each is matched and its conditions read
   * when this is delivered); no eventId: the incident's declaration, which is recorded in bulk.
   */
  'workflow.match': z.object({ ...incidentRef, eventId: z.number().int().positive().optional() }),
  /**
   * A workflow's post: its template (as the config wrote it) rendered from the incident when delivered;
   * `channel` absent posts in the incident channel, `user` is a DM.
   */
  'workflow.post': z.object({
    ...incidentRef,
    workflowId: z.string(),
    template: z.string(),
    channel: z.string().optional(),
    user: z.string().optional(),
  }),
} as const;

export type EffectKind = keyof typeof effectSchemas;
export type EffectPayload<K extends EffectKind> = z.infer<(typeof effectSchemas)[K]>;
export type Effect = { [K in EffectKind]: { kind: K; payload: EffectPayload<K> } }[EffectKind];

/** The effects a provider other than Slack delivers (src/providers/); Slack delivers every other kind. */
export const PROVIDER_EFFECTS = ['notify.send', 'contact.code', 'webhook.deliver'] as const satisfies readonly EffectKind[];
export type ProviderEffectKind = (typeof PROVIDER_EFFECTS)[number];
export type SlackEffectKind = Exclude<EffectKind, ProviderEffectKind>;

export const isProviderEffect = (kind: EffectKind): kind is ProviderEffectKind => (PROVIDER_EFFECTS as readonly string[]).includes(kind);

export function isEffectKind(kind: string): kind is EffectKind {
  return Object.hasOwn(effectSchemas, kind);
}
