import type { KnownBlock } from '@slack/types';
import { drillReportLines, type DrillReport } from '../../paging/drill-report.js';
import { policyOf } from '../../paging/pages.js';
import type { TestPageReceipts } from '../../paging/test-pages.js';
import type { Page } from '../../db/schema.js';
import { mrkdwn } from '../outcome.js';
import type { SlackMessage } from './incident.js';
import { acknowledgeButton } from './paging.js';
import { elapsed, receiptText } from './receipts.js';
import { mention, truncate } from './text.js';

export const TEST_PAGE_HEADLINE = '🧪 *TEST PAGE — nothing is wrong.*';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });

const askedBy = (page: Page, target: string) =>
  page.triggeredBy === null ? 'A paging drill' : page.triggeredBy === target ? 'you' : mention(page.triggeredBy);

/** The DM a tested person gets: it says it is a test, and acknowledging it is all it asks. */
export function testPageDm(page: Page, target: string): SlackMessage {
  const text = `${TEST_PAGE_HEADLINE} ${askedBy(page, target)} asked Firewatch to check that its pages reach you. Acknowledge it as you would a real page: here, or by the e-mail, SMS, call or push that follow.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'page_actions',
        elements: [acknowledgeButton(page)],
      },
    ],
  };
}

/** How long the test page waits for an acknowledgement: its last method's delay and the time allowed after it. */
const waitsMs = (page: Page) => policyOf(page).levels[0]?.delayMs ?? 0;

/** The end of a test page in words: acknowledged after how long, or not within its time. */
function ending({ page, notification }: TestPageReceipts): string {
  if (page.state === 'acknowledged' && page.acknowledgedAt)
    return `✅ Acknowledged in ${elapsed(page.acknowledgedAt.getTime() - notification.createdAt.getTime())}.`;
  if (page.state === 'triggered') return `⏳ Waiting for an acknowledgement (up to ${elapsed(waitsMs(page))}).`;
  return `⚠️ Not acknowledged within ${elapsed(waitsMs(page))}.`;
}

/** The tested person's DM once the test page is over; no button. */
export function testPageDmEnded(receipts: TestPageReceipts): SlackMessage {
  const text = `${TEST_PAGE_HEADLINE} ${ending(receipts)}`;
  return { text, blocks: [section(text)] };
}

/** The report to whoever asked: each receipt as it comes in, then the time to acknowledge. */
export function testPageReport(receipts: TestPageReceipts): SlackMessage {
  const { page, notification, attempts } = receipts;
  const whom = page.triggeredBy === notification.userId ? 'you' : mention(notification.userId);
  const text = `${TEST_PAGE_HEADLINE} Test page of ${whom}: ${receiptText(notification, attempts)}\n${ending(receipts)}`;
  return { text, blocks: [section(text)] };
}

/** A paging drill's report in the admin channel. */
export function drillReportMessage(report: DrillReport, ackWithinMs: number): SlackMessage {
  const lines = drillReportLines(report, ackWithinMs).map(mrkdwn);
  return { text: lines.join('\n'), blocks: [section(lines.join('\n'))] };
}
