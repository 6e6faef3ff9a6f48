import type { Config } from '../config/load.js';
import { findSeverity } from '../config/load.js';
import type { Incident, Page } from '../db/schema.js';
import { DRILL_MARK } from '../incidents/drills.js';
import { incidentKey } from '../incidents/queries.js';
import type { PageContent } from './provider.js';

/** A test page outside Slack: it says it is a test before anything else, so nobody is woken in a fright. */
export function testPageContent(links: { ackUrl: string; callUrl: string }): PageContent {
  const lines = [
    'TEST PAGE — nothing is wrong.',
    'Firewatch is checking that its pages reach you. Acknowledge it as you would a real page.',
    `Acknowledge: ${links.ackUrl}`,
    'Or use the Acknowledge button of the test page Firewatch sent you in Slack.',
  ];
  return {
    subject: '🧪 TEST PAGE — nothing is wrong',
    text: lines.join('\n'),
    short: `Firewatch TEST PAGE — nothing is wrong. Reply ACK or 1 to acknowledge, or open ${links.ackUrl}`,
    ...links,
  };
}

/**
 * A page as it reads outside Slack: the incident, its severity and why it pages. A private incident
 * shows only its key and severity, since a phone's lock screen and a mailbox are not its channel. A drill
 * says DRILL first in every part, so nobody woken by one takes it for an outage. A test page (no incident)
 * reads as one.
 */
export function pageContent(
  config: Config,
  incident: Incident | undefined,
  page: Page,
  links: { ackUrl: string; callUrl: string },
): PageContent {
  if (!incident) return testPageContent(links);
  const key = incidentKey(incident.id);
  const severity = findSeverity(config, incident.severity);
  const level = `${incident.severity.toUpperCase()}${severity ? ` · ${severity.label}` : ''}`;
  const what = incident.isPrivate ? `${key} (${level}, a private incident)` : `${key} (${level}): ${incident.title}`;
  const lines = [
    ...(incident.drill ? [`${DRILL_MARK}: this is a practice incident. Acknowledge it as you would a real page.`] : []),
    `You are being paged for ${what}.`,
    ...(page.message ? [`Why: ${page.message}`] : []),
    `Escalation policy ${page.policyId}, level ${page.level + 1}.`,
    `Acknowledge: ${links.ackUrl}`,
    'Or use the Acknowledge button of the page Firewatch sent you in Slack. Until someone acknowledges, the page escalates.',
  ];
  return {
    subject: `${incident.drill ? `🧪 ${DRILL_MARK} · ` : '🚨 '}Paged: ${incident.isPrivate ? `${key} · ${level}` : `${key} · ${level} · ${incident.title}`}`,
    text: lines.join('\n'),
    short: `Firewatch${incident.drill ? ` ${DRILL_MARK}` : ''}: paged for ${what}. Reply ACK or 1 to acknowledge, or open ${links.ackUrl}`,
    ...links,
  };
}
