import type { OutboxRow } from '../../db/schema.js';
import { effectSchemas, isEffectKind, isProviderEffect, type EffectPayload, type SlackEffectKind } from '../../outbox/effects.js';
import type { Deliverer, DeliveryOutcome } from '../../outbox/delivery-outcome.js';
import { outcomeOf } from '../errors.js';
import { postChecklist, updateChecklist } from './checklists.js';
import { addBookmark, archiveChannel, createChannel, inviteUsers, setTopic } from './channel.js';
import { dmCover, postCoverRequest, updateCoverRequest } from './cover.js';
import { dmCoverage, postConfigRefused, postCoverage } from './coverage.js';
import { Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { publishHome } from './home.js';
import { dmHandoff, postHandoff } from './handoffs.js';
import { dmPage, updatePageDms, updateReceipt } from './paging.js';
import { canvasPostmortem, uploadPostmortem } from './postmortem.js';
import { dmNotice, replyDeclared } from './replies.js';
import { dmOverdueFollowup, postDigest } from './reports.js';
import { postSnsSubscription } from './sns.js';
import { announce, pinSummary, postSummary, updateSummary } from './summary.js';
import { dmTestPage, postDrillReport, reportTestPage } from './test-pages.js';
import { syncUserGroup } from './user-groups.js';
import { postWorkflowMessage, runMatchedWorkflows } from './workflows.js';
import { dmRole, dmSubscriber, postReminder, postTimelineEvent, summariseAlerts } from './timeline.js';

export type { DeliveryContext } from './context.js';

/** Each effect kind Slack delivers and the Slack surface that does: a new kind does not compile until it has one. */
const handlers: { [K in SlackEffectKind]: Handler<K> } = {
  'channel.create': createChannel,
  'channel.invite': inviteUsers,
  'channel.topic': setTopic,
  'channel.bookmark': addBookmark,
  'summary.post': postSummary,
  'summary.pin': pinSummary,
  'incident.announce': announce,
  'reply.declared': replyDeclared,
  'summary.update': updateSummary,
  'timeline.post': postTimelineEvent,
  'role.dm': dmRole,
  'channel.archive': archiveChannel,
  'page.dm': dmPage,
  'page.dm.update': updatePageDms,
  'page.receipt': updateReceipt,
  'reminder.post': postReminder,
  'subscriber.dm': dmSubscriber,
  'digest.post': postDigest,
  'followup.dm': dmOverdueFollowup,
  'postmortem.upload': uploadPostmortem,
  'postmortem.canvas': canvasPostmortem,
  'alerts.summary': summariseAlerts,
  'notice.dm': dmNotice,
  'testpage.dm': dmTestPage,
  'testpage.report': reportTestPage,
  'drill.report': postDrillReport,
  'cover.post': postCoverRequest,
  'cover.update': updateCoverRequest,
  'cover.dm': dmCover,
  'coverage.dm': dmCoverage,
  'coverage.admin': postCoverage,
  'config.refused': postConfigRefused,
  'sns.subscription': postSnsSubscription,
  'home.publish': publishHome,
  'usergroup.sync': syncUserGroup,
  'handoff.post': postHandoff,
  'handoff.dm': dmHandoff,
  'checklist.post': postChecklist,
  'checklist.update': updateChecklist,
  'workflow.match': runMatchedWorkflows,
  'workflow.post': postWorkflowMessage,
};

function run<K extends SlackEffectKind>(ctx: DeliveryContext, kind: K, payload: unknown, row: OutboxRow): Promise<DeliveryOutcome> {
  const parsed = effectSchemas[kind].safeParse(payload);
  if (!parsed.success) return Promise.resolve({ status: 'failed', error: `bad payload: ${parsed.error.message}` });
  return handlers[kind](ctx, parsed.data as EffectPayload<K>, row);
}

/** Turns outbox rows into Slack calls; Slack's answers become done, retry or failed. */
export function createDeliverer(ctx: DeliveryContext): Deliverer {
  return async (row) => {
    if (!isEffectKind(row.kind) || isProviderEffect(row.kind)) return { status: 'failed', error: `not a Slack effect: ${row.kind}` };
    try {
      return await run(ctx, row.kind, row.payload, row);
    } catch (err) {
      if (err instanceof Undeliverable) return { status: 'failed', error: err.message };
      return outcomeOf(err);
    }
  };
}
