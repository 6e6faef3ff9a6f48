// A timeline event in words, as a domain message (people by user id), for surfaces that render messages
// their own way: the console's incident page writes it as HTML.
import { msg, person, type Message, type Part } from '../outcome.js';
import { acknowledgedVia, parseEvent, type TimelineData } from '../timeline/events.js';
import { SLACK_PIN_MARKER } from './pins.js';
import { statusLabel } from './status.js';

interface EventRow {
  kind: string;
  actor: string | null;
  data: unknown;
}

const sev = (severity: string) => severity.toUpperCase();
const status = (s: string | undefined) => statusLabel(s ?? '');

type PageData = { policy: string };
type RungData = PageData & { level: number; loop: number };

function policyName(d: PageData): Message {
  return d.policy.startsWith('user:') ? msg`direct page to ${person(d.policy.slice('user:'.length))}` : [`policy ${d.policy}`];
}

/** "level 2 of policy primary, pass 2": levels and passes counted from one, as people count them. */
function pageWhere(d: RungData): Message {
  return [`level ${d.level + 1} of `, ...policyName(d), ...(d.loop > 0 ? [`, pass ${d.loop + 1}`] : [])];
}

const ATTEMPT_METHODS = { email: 'E-mail', sms: 'SMS', voice: 'Call', push: 'Push' } as const;
const ATTEMPT_STATES = { sent: 'sent', delivered: 'delivered', failed: 'failed', no_answer: 'not answered', skipped: 'not sent' } as const;

function attempt(d: TimelineData<'page_attempt'>): Message {
  const to = d.address ? ` to ${d.address}` : '';
  const why = d.error && (d.state === 'failed' || d.state === 'skipped') ? `: ${d.error}` : '';
  return msg`${ATTEMPT_METHODS[d.method]}${to} for ${person(d.user)} ${ATTEMPT_STATES[d.state]}${why}`;
}

const who = (actor: string | null): Part => (actor ? person(actor) : 'Firewatch');

/** What happened, in one message; a kind this code cannot read still says that something happened. */
export function eventMessage(row: EventRow): Message {
  const event = parseEvent(row);
  const by = who(row.actor);
  if (!event) return msg`${by}: ${row.kind.replace(/_/g, ' ')}`;
  switch (event.kind) {
    case 'declared': {
      const d = event.data;
      const details = [sev(d.severity), status(d.status), ...(d.type ? [`type ${d.type}`] : []), ...(d.private ? ['private'] : [])];
      const lead = d.lead ? msg`, lead ${person(d.lead)}` : [', no lead'];
      return [...msg`${by} declared ${d.drill ? 'a drill' : 'the incident'}: ${d.title} (${details.join(', ')}`, ...lead, ')'];
    }
    case 'status_changed': {
      const { from, to, message } = event.data;
      const text = message ? `: ${message}` : '';
      return msg`${by} ${event.data.reopen ? 'reopened' : 'moved'} the incident from ${status(from)} to ${status(to)}${text}`;
    }
    case 'status_update':
      return msg`${by} posted an update (${status(event.data.status)}, ${sev(event.data.severity)}): ${event.data.message}`;
    case 'severity_changed':
      return msg`${by} changed the severity from ${sev(event.data.from)} to ${sev(event.data.to)}`;
    case 'type_changed':
      return msg`${by} set the type to ${event.data.to}${event.data.from ? ` (was ${event.data.from})` : ''}`;
    case 'service_added':
      return msg`${by} marked affected: ${event.data.services.join(', ')}`;
    case 'impact_set':
      return msg`${by} set the impact: ${event.data.text}`;
    case 'note':
      return msg`${by} noted: ${event.data.text}`;
    case 'role_assigned':
      return [
        ...msg`${by} made ${person(event.data.user)} ${event.data.role}`,
        ...(event.data.previous ? msg` (was ${person(event.data.previous)})` : []),
      ];
    case 'followup_added':
      return msg`${by} added a follow-up for ${person(event.data.owner)}${event.data.due ? ` due ${event.data.due}` : ''}: ${event.data.text}`;
    case 'followup_done':
      return msg`${by} completed the follow-up: ${event.data.text}`;
    case 'message_pinned':
      return [
        ...msg`${event.data.pinnedBy === SLACK_PIN_MARKER ? 'Someone' : person(event.data.pinnedBy)} pinned a message`,
        ...(event.data.author ? msg` from ${person(event.data.author)}` : []),
        `: ${event.data.text}`,
      ];
    case 'message_unpinned':
      return msg`${by} unpinned a message`;
    case 'page_triggered':
      return [...msg`${by} paged `, ...policyName(event.data), ...(event.data.message ? [`: ${event.data.message}`] : [])];
    case 'page_notified':
      return [...msg`Paged ${person(event.data.user)} (`, ...pageWhere(event.data), ')'];
    case 'page_dm_failed':
      return [...msg`Slack would not deliver the page to ${person(event.data.user)} (`, ...pageWhere(event.data), `): ${event.data.error}`];
    case 'page_target_skipped':
      return [`Nobody is on call for schedule ${event.data.schedule} (`, ...pageWhere(event.data), ')'];
    case 'page_escalated':
      return [...(event.data.manual ? msg`${by} escalated the page to ` : ['The page escalated to ']), ...pageWhere(event.data)];
    case 'page_acknowledged':
      return [...msg`${person(event.data.user)} acknowledged the page${acknowledgedVia(event.data.via)} (`, ...pageWhere(event.data), ')'];
    case 'page_attempt':
      return attempt(event.data);
    case 'page_exhausted':
      return ['Nobody acknowledged the page of ', ...policyName(event.data), ` after ${event.data.passes} passes`];
    case 'page_resolved':
      return ['The page of ', ...policyName(event.data), ' ended'];
    case 'alert_firing':
      return [`Alert firing (${event.data.integration}): ${event.data.title}`];
    case 'alert_resolved':
      return [`Alert resolved (${event.data.integration}): ${event.data.title}`];
    case 'alert_group_resolved':
      return [`Every alert of ${event.data.integration} group ${event.data.groupKey} resolved`];
    case 'alert_acknowledged':
      return msg`${by} acknowledged the alerts of ${event.data.integration} group ${event.data.groupKey}`;
    case 'update_reminder':
      return [...msg`An update is due`, ...(event.data.remind ? msg` from ${person(event.data.remind)}` : [])];
    case 'lead_nudge':
      return ['Nobody leads the incident yet'];
    case 'reminders_snoozed':
      return msg`${by} snoozed update reminders for ${Math.round(event.data.forMs / 60_000)} min`;
    case 'reminders_stopped':
      return msg`${by} stopped update reminders`;
    case 'postmortem_answers_saved':
      return msg`${by} saved postmortem answers (${event.data.fields.join(', ')})`;
    case 'postmortem_published':
      return msg`${by} published postmortem version ${event.data.version}`;
    case 'statuspage_published':
      return msg`${by} published to the status page (${event.data.status}): ${event.data.message}`;
    case 'checklist_added':
      return msg`${by} added the checklist ${event.data.title} (${event.data.steps.length} steps)`;
    case 'checklist_step_done':
      return msg`${by} ticked off “${event.data.text}” (${event.data.checklist}, step ${event.data.step + 1})`;
    case 'checklist_step_undone':
      return msg`${by} unticked “${event.data.text}” (${event.data.checklist}, step ${event.data.step + 1})`;
    case 'workflow_ran': {
      const done = event.data.actions.map((a) => `${a.ok ? '✓' : '✗'} ${a.action}: ${a.detail}`).join('; ');
      return msg`Workflow ${event.data.workflow} ran (${event.data.trigger.replace(/_/g, ' ')}): ${done || 'no actions'}`;
    }
  }
}
