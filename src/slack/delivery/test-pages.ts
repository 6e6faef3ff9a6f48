import { buildDrillReport } from '../../paging/drill-report.js';
import { drillReportData } from '../../paging/drills.js';
import { recordTestDmFailed, recordTestReport, testPageReceipts } from '../../paging/test-pages.js';
import { drillReportMessage, testPageDm, testPageDmEnded, testPageReport } from '../blocks/test-pages.js';
import { DONE, Undeliverable, type Handler } from './context.js';
import { postPageDm } from './paging.js';
import { postOnce } from './post-once.js';

/** Test page DMs and reports are known by what they stand for, so a retried row finds the one it sent. */
const TEST_PAGE_DM_EVENT = 'firewatch_test_page_dm';
const TEST_PAGE_REPORT_EVENT = 'firewatch_test_page_report';

export const dmTestPage: Handler<'testpage.dm'> = async (ctx, { pageId, notificationId }, row) => {
  const found = await testPageReceipts(ctx.db, pageId);
  if (!found || found.notification.id !== notificationId) throw new Undeliverable(`test page ${pageId} does not exist`);
  const { page, notification } = found;
  if (page.state !== 'triggered') return { status: 'done', result: { skipped: page.state } };
  if (notification.dmTs) return DONE;
  return postPageDm(ctx, row, notification, testPageDm(page, notification.userId), TEST_PAGE_DM_EVENT, (code) =>
    recordTestDmFailed(ctx.db, notification, code),
  );
};

/** Re-renders a test page's report for whoever asked, and once it is over, the tested person's DM. */
export const reportTestPage: Handler<'testpage.report'> = async (ctx, { pageId }, row) => {
  const found = await testPageReceipts(ctx.db, pageId);
  if (!found) throw new Undeliverable(`test page ${pageId} does not exist`);
  const { page, notification } = found;
  if (page.triggeredBy) {
    const report = testPageReport(found);
    if (page.reportChannel && page.reportTs) await ctx.client.chat.update({ channel: page.reportChannel, ts: page.reportTs, ...report });
    else {
      const marker = { eventType: TEST_PAGE_REPORT_EVENT, key: 'page_id', id: page.id };
      await recordTestReport(ctx.db, page.id, await postOnce(ctx, row, { channel: page.triggeredBy, ...report }, marker));
    }
  }
  if (page.state !== 'triggered' && notification.dmChannel && notification.dmTs)
    await ctx.client.chat.update({ channel: notification.dmChannel, ts: notification.dmTs, ...testPageDmEnded(found) });
  return DONE;
};

export const postDrillReport: Handler<'drill.report'> = async (ctx, { dueAt }, row) => {
  const channel = ctx.config.adminChannel;
  if (!channel) throw new Undeliverable('no admin_channel is configured for the paging drill report');
  const data = await drillReportData(ctx.db, new Date(dueAt));
  if (!data) throw new Undeliverable(`no paging drill ran at ${dueAt}`);
  const message = drillReportMessage(buildDrillReport(data.results), data.ackWithinMs);
  const { ts } = await postOnce(ctx, row, { channel, ...message, unfurl_links: false });
  return { status: 'done', result: { ts } };
};
