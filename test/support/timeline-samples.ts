import type { Incident, NotificationAttempt } from '../../src/db/schema.js';
import type { TimelineData, TimelineKind } from '../../src/timeline/events.js';

export const page = { pageId: 7, policy: 'primary' };
const alert = {
  integration: 'alertmanager',
  fingerprint: 'f1',
  title: 'HighErrorRate',
  labels: { service: 'checkout' },
  link: null,
  severity: 'critical',
};

/** The data each recorder writes, one sample per kind: a kind added to the catalogue needs one here to compile. */
export const samples: { [K in TimelineKind]: TimelineData<K> } = {
  declared: {
    title: 'Checkout down',
    severity: 'sev1',
    description: '',
    private: false,
    lead: 'U0ALICE',
    status: 'investigating',
    source: 'slack',
    type: 'availability',
  },
  status_changed: { from: 'investigating', to: 'resolved', message: 'Rolled back', reopen: true },
  status_update: { message: 'Rolling back', status: 'identified', severity: 'sev1', nextUpdateMs: null },
  severity_changed: { from: 'sev2', to: 'sev1' },
  type_changed: { from: null, to: 'availability' },
  impact_set: { text: 'EU checkouts fail', previous: null },
  service_added: { services: ['payments-api'] },
  note: { text: 'Canary is clean' },
  role_assigned: { role: 'comms', user: 'U0DAVE', previous: null },
  followup_added: { followupId: 1, text: 'Alert on timeouts', owner: 'U0CAROL', due: '2026-12-05' },
  followup_done: { followupId: 1, text: 'Alert on timeouts' },
  message_pinned: { channel: 'C0INC', ts: '1.2', author: null, text: 'look', permalink: null, pinnedBy: 'slack_pin' },
  message_unpinned: { ts: '1.2', channel: 'C0INC' },
  page_triggered: { ...page, message: 'Declared as SEV1' },
  page_notified: { ...page, user: 'U0BOB', level: 0, loop: 0 },
  page_dm_failed: { ...page, user: 'U0BOB', level: 0, loop: 0, error: 'messages_tab_disabled' },
  page_target_skipped: { ...page, schedule: 'platform', level: 0, loop: 1 },
  page_escalated: { ...page, level: 1, loop: 0, manual: false, lateMs: 120 },
  page_acknowledged: { ...page, user: 'U0CAROL', level: 1, loop: 0 },
  page_attempt: { pageId: 1, attemptId: 3, user: 'U0ALICE', method: 'sms', state: 'failed', address: '+49…5678', error: 'Twilio 21610' },
  page_exhausted: { ...page, passes: 2, lateMs: 40 },
  page_resolved: page,
  alert_firing: alert,
  alert_resolved: { ...alert, link: 'https://grafana.example/a', severity: null },
  alert_group_resolved: { integration: 'alertmanager', groupKey: 'g1' },
  alert_acknowledged: { integration: 'pagerduty', groupKey: 'g1' },
  update_reminder: { dueAt: '2026-11-29T23:00:00.000Z', remind: null },
  lead_nudge: {},
  reminders_snoozed: { forMs: 1_800_000 },
  reminders_stopped: {},
  postmortem_answers_saved: { fields: ['impact', 'summary'] },
  postmortem_published: { version: 2 },
  checklist_added: { checklist: 'sev1-basics', title: 'Sev1 basics', steps: ['Name a lead', 'Post the first update'] },
  checklist_step_done: { checklist: 'sev1-basics', step: 0, text: 'Name a lead' },
  checklist_step_undone: { checklist: 'sev1-basics', step: 0, text: 'Name a lead' },
  statuspage_published: {
    publicationId: 1,
    title: 'Payments down',
    status: 'investigating',
    components: [{ id: 'api', state: 'partial_outage' }],
    message: 'Some card payments fail',
  },
  workflow_ran: {
    workflow: 'sev1-exec',
    trigger: 'declared',
    actions: [
      { action: 'invite', ok: true, detail: 'invited U0CTO' },
      { action: 'webhook', ok: false, detail: 'no such webhook' },
    ],
  },
};

/** An incident row as the database holds one, for pure code that takes a row; override what the test is about. */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  const at = new Date('2026-01-05T09:00:00Z');
  return {
    id: 7,
    title: 'Payments down',
    description: '',
    severity: 'sev2',
    status: 'investigating',
    type: null,
    impact: null,
    leadId: 'U0ALICE',
    declaredBy: 'U0ALICE',
    isPrivate: false,
    drill: false,
    source: 'slack',
    channelName: null,
    channelId: null,
    summaryTs: null,
    announcementChannel: null,
    announcementTs: null,
    createdAt: at,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    updatedAt: at,
    nextUpdateDueAt: null,
    leadNudgeAt: null,
    ...overrides,
  };
}

/** A notification attempt as stored, made `reached` (when its page reached the person); `a` says the rest. */
export const sampleAttempt = (
  reached: Date,
  a: Partial<NotificationAttempt> & Pick<NotificationAttempt, 'method' | 'state'>,
): NotificationAttempt => ({
  id: 1,
  notificationId: 1,
  pageId: 1,
  incidentId: 4,
  userId: 'U0ALICE',
  step: 0,
  dueAt: reached,
  maskedAddress: null,
  providerId: null,
  error: null,
  claimedAt: null,
  sentAt: null,
  deliveredAt: null,
  updatedAt: reached,
  ...a,
});
