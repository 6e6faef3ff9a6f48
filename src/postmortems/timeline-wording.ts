import { statusLabel } from '../incidents/status.js';
import { parseEvent, acknowledgedVia, type TimelineData } from '../timeline/events.js';
import { formatDurationMs, type MetricEvent } from './metrics.js';

/** A timeline line and what is quoted under it, both in Slack's text format. */
export interface Described {
  text: string;
  /** Quoted in full under the line. */
  quote?: string;
  /** Who the line is about, when that is not the event's actor. */
  actor?: string;
}

/** Plain words (ids, statuses, names of policies) inside the Slack text an event line is written in. */
const slack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const mention = (userId: string) => `<@${userId}>`;

const severityWord = (severity: string) => slack(severity.toUpperCase());
// A declaration recorded before it named its status has none to show.
const statusWord = (status: string | undefined) => slack(statusLabel(status ?? ''));

export function policyName(d: { policy: string }): string {
  return d.policy.startsWith('user:') ? `direct page to ${mention(d.policy.slice('user:'.length))}` : `policy ${slack(d.policy)}`;
}

/** "level 2 of policy primary, pass 2": levels and passes counted from one, as people count them. */
function pageWhere(d: { policy: string; level: number; loop: number }): string {
  const where = `level ${d.level + 1} of ${policyName(d)}`;
  return d.loop > 0 ? `${where}, pass ${d.loop + 1}` : where;
}

const ATTEMPT_METHODS = { email: 'E-mail', sms: 'SMS', voice: 'Call', push: 'Push' } as const;
const ATTEMPT_STATES = { sent: 'sent', delivered: 'delivered', failed: 'failed', no_answer: 'not answered', skipped: 'not sent' } as const;

/** "📨 SMS to +49…5678 for @alice delivered", with the provider's word when it failed. */
function attemptLine(d: TimelineData<'page_attempt'>): string {
  const to = d.address ? ` to ${slack(d.address)}` : '';
  const why = d.error && (d.state === 'failed' || d.state === 'skipped') ? `: ${slack(d.error)}` : '';
  return `📨 ${ATTEMPT_METHODS[d.method]}${to} for ${mention(d.user)} ${ATTEMPT_STATES[d.state]}${why}`;
}

/** Short text stays on the line; text of several lines is quoted under it so its lines survive. */
function textOrQuote(label: string, text: string): Described {
  return text.includes('\n') ? { text: label, quote: text } : { text: `${label} ${text}` };
}

/** Safe as a link target: a Slack permalink, nothing that could end the link token early. */
const linkable = (url: string) => /^https:\/\/[^\s<>|]+$/.test(url);

/** Recorded in one transaction, an update and the status move it made share time, actor and text. */
export function updateKey(event: { occurredAt: Date; actor: string | null }, message: string): string {
  return JSON.stringify([event.occurredAt.getTime(), event.actor, message]);
}

/**
 * The postmortem's line for an event. `updateTexts` holds the updateKey of every status update, so a
 * status move made by an update does not quote its text a second time.
 */
export function describeEvent(row: MetricEvent, updateTexts: ReadonlySet<string>): Described {
  const event = parseEvent(row);
  // A kind this code does not know, or data it cannot read, still shows that something happened.
  if (!event) return { text: `• ${slack(row.kind)}` };
  switch (event.kind) {
    case 'declared': {
      const d = event.data;
      const details = [
        severityWord(d.severity),
        statusWord(d.status),
        d.lead ? `lead ${mention(d.lead)}` : 'no lead',
        ...(d.type ? [`type ${slack(d.type)}`] : []),
        ...(d.private ? ['private'] : []),
      ];
      return { text: `🚨 ${d.drill ? 'Declared a drill' : 'Declared'}: ${d.title} (${details.join(', ')})` };
    }
    case 'status_changed': {
      const { from, to, message } = event.data;
      const change = `${statusWord(from)} → ${statusWord(to)}`;
      // An update that moves the status records the move with the same text; it is quoted once, under the update.
      const quote = message && !updateTexts.has(updateKey(event, message)) ? { quote: message } : {};
      return { text: event.data.reopen ? `🔁 Reopened: ${change}` : `🔀 Status: ${change}`, ...quote };
    }
    case 'status_update': {
      const { nextUpdateMs } = event.data;
      const cadence =
        nextUpdateMs === null ? ', reminders off' : nextUpdateMs !== undefined ? `, next update in ${formatDurationMs(nextUpdateMs)}` : '';
      return {
        text: `📣 Status update (${statusWord(event.data.status)}, ${severityWord(event.data.severity)}${cadence})`,
        quote: event.data.message,
      };
    }
    case 'severity_changed':
      return { text: `⚠️ Severity: ${severityWord(event.data.from)} → ${severityWord(event.data.to)}` };
    case 'type_changed':
      return { text: `🏷️ Type: ${event.data.from ? slack(event.data.from) : 'none'} → ${slack(event.data.to)}` };
    case 'service_added':
      return { text: `🧩 Affected: ${event.data.services.map(slack).join(', ')}` };
    case 'impact_set':
      return textOrQuote('💥 Impact:', event.data.text);
    case 'note':
      return textOrQuote('📝 Note:', event.data.text);
    case 'role_assigned': {
      const { role, user, previous } = event.data;
      return {
        text: `🧑‍🚒 ${mention(user)} is now ${role === 'lead' ? 'the lead' : slack(role)}${previous ? ` (was ${mention(previous)})` : ''}`,
      };
    }
    case 'followup_added':
      return { text: `📋 Follow-up: ${event.data.text}${event.data.owner ? ` (owner ${mention(event.data.owner)})` : ''}` };
    case 'followup_done':
      return { text: `☑️ Follow-up done: ${event.data.text}` };
    case 'message_pinned': {
      const { permalink, author } = event.data;
      // The line stands for the message, dated when it was posted: its author is the one who acted.
      const link = permalink && linkable(permalink) ? ` (<${permalink}|permalink>)` : '';
      const pinner = event.actor ? `pinned by ${mention(event.actor)}` : 'pinned in Slack';
      return { text: `📌 Message${link}, ${pinner}`, quote: event.data.text, actor: author ? mention(author) : 'Unknown author' };
    }
    case 'page_triggered':
      return { text: `📟 Paged ${policyName(event.data)}${event.data.message ? `: ${event.data.message}` : ''}` };
    case 'page_notified':
      return { text: `📟 Notified ${mention(event.data.user)} (${pageWhere(event.data)})` };
    case 'page_dm_failed':
      return {
        text: `⚠️ Could not DM ${mention(event.data.user)} the page (${pageWhere(event.data)}): Slack answered ${slack(event.data.error)}`,
      };
    case 'page_target_skipped':
      return { text: `⚠️ Skipped schedule ${slack(event.data.schedule)}: nobody on call (${pageWhere(event.data)})` };
    case 'page_escalated':
      return {
        text: event.data.manual
          ? `⏫ Escalated the page to ${pageWhere(event.data)}`
          : `⏫ Nobody acknowledged: escalated to ${pageWhere(event.data)}`,
      };
    case 'page_acknowledged':
      return { text: `✅ ${mention(event.data.user)} acknowledged the page (${pageWhere(event.data)})${acknowledgedVia(event.data.via)}` };
    case 'page_exhausted': {
      const { passes } = event.data;
      return { text: `🚨 Nobody acknowledged the page (${policyName(event.data)}, ${passes} pass${passes === 1 ? '' : 'es'})` };
    }
    case 'page_resolved':
      return { text: `🔕 Page ended (${policyName(event.data)})` };
    case 'page_attempt':
      return { text: attemptLine(event.data) };
    case 'update_reminder':
      return { text: `⏰ Reminded ${event.data.remind ? mention(event.data.remind) : 'the channel'} that a status update was due` };
    case 'lead_nudge':
      return { text: '👋 Asked the channel for a lead: nobody had taken it' };
    case 'reminders_snoozed':
      return { text: `😴 Snoozed update reminders for ${formatDurationMs(event.data.forMs)}` };
    case 'reminders_stopped':
      return { text: '🔕 Stopped update reminders' };
    case 'postmortem_answers_saved': {
      const { fields } = event.data;
      return { text: `🖊️ Saved postmortem answers${fields.length ? ` (${slack(fields.join(', '))})` : ''}` };
    }
    case 'postmortem_published':
      return { text: `📝 Published postmortem version ${event.data.version}` };
    case 'statuspage_published': {
      const { components, message } = event.data;
      const states = components.map((c) => `${c.id} ${c.state.replace(/_/g, ' ')}`).join(', ');
      return { text: `🌐 Published to the status page (${slack(states)})${message ? `: ${slack(message)}` : ''}` };
    }
    case 'checklist_added':
      return { text: `☑️ Added the checklist ${slack(event.data.title)} (${event.data.steps.length} steps)` };
    case 'checklist_step_done':
      return { text: `✔️ Ticked off “${slack(event.data.text)}” (${slack(event.data.checklist)})` };
    case 'checklist_step_undone':
      return { text: `↩️ Unticked “${slack(event.data.text)}” (${slack(event.data.checklist)})` };
    case 'workflow_ran': {
      const { workflow, actions } = event.data;
      const failed = actions.filter((a) => !a.ok).length;
      return { text: `⚙️ Workflow ${slack(workflow)} ran ${actions.length} action(s)${failed ? `, ${failed} failed` : ''}` };
    }
    // Alerts tell their own story in the channel; the postmortem only marks that they happened. An unpin
    // takes its pin off the timeline before any line is written, so it has no words of its own either.
    case 'alert_firing':
    case 'alert_resolved':
    case 'alert_group_resolved':
    case 'alert_acknowledged':
    case 'message_unpinned':
      return { text: `• ${slack(event.kind)}` };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
