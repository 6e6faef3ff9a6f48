import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import type { Incident, NotificationAttempt, Page } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { getIncident } from '../incidents/queries.js';
import type { Deliverer, DeliveryOutcome } from '../outbox/delivery-outcome.js';
import { effectSchemas } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ackUrl, attemptAckToken } from '../paging/ack-tokens.js';
import {
  attemptEnqueueOptions,
  attemptToSend,
  claimAttempt,
  failureNotice,
  METHOD_NAMES,
  pageIsOpen,
  providerIdsUnrecorded,
  recordAttempt,
} from '../paging/attempts.js';
import { addressOf } from '../paging/contacts.js';
import { maskAddress } from '../paging/rules.js';
import { pageContent } from './page-message.js';
import { ProviderRefused, type PageContent, type Senders } from './provider.js';

export interface ProviderContext {
  db: Db;
  config: Config;
  logger: Logger;
  senders: Senders;
  /** Why each method without a sender is unavailable. */
  unavailable: Partial<Record<string, string>>;
  /** Signs each attempt's acknowledgement link; links and Twilio's callbacks are under `publicUrl`. */
  secret: string;
  publicUrl: string;
}

/** How far before the first try a provider's record of it may be dated: the provider's clock is not ours. */
const CLOCK_SKEW_MS = 60_000;

/** An attempt ready to go out: what it says and where, or the outcome that ends it without sending. */
type Ready =
  { attempt: NotificationAttempt; page: Page; address: string; maskedAddress: string; content: PageContent } | { outcome: DeliveryOutcome };

/**
 * Delivers `notify.send`: one attempt, in two transactions. The first settles what it says and where,
 * records that a try begins (and the attempt's acknowledgement link) and commits; the second sends while
 * the page is locked against
 * acknowledgement, so an acknowledgement that commits first cancels it and one that comes later waits for
 * the send to end. A try that finds an earlier one begun asks the provider whether that one got through
 * (the process died, or the answer was lost, after the provider took it) instead of sending again.
 */
export function createProviderDeliverer(ctx: ProviderContext): Deliverer {
  return async (row) => {
    const payload = effectSchemas['notify.send'].safeParse(row.payload);
    if (!payload.success) return { status: 'failed', error: `bad payload: ${payload.error.message}` };
    const { attemptId } = payload.data;
    const ready = await ctx.db.transaction(async (tx) => {
      const prepared = await prepare(ctx, tx, attemptId);
      if (!('outcome' in prepared)) await claimAttempt(tx, prepared.attempt);
      return prepared;
    });
    if ('outcome' in ready) return ready.outcome;
    // What it says and where were settled by the claim; only whether it may still go out is asked again.
    const { address, maskedAddress, content } = ready;
    const earlierTry = ready.attempt.claimedAt;
    return ctx.db.transaction(async (tx): Promise<DeliveryOutcome> => {
      const still = await stillToSend(tx, attemptId);
      if ('outcome' in still) return still.outcome;
      const { attempt } = still;
      const sender = ctx.senders[attempt.method]!;
      if (earlierTry && sender.find) {
        const since = new Date(earlierTry.getTime() - CLOCK_SKEW_MS);
        const [providerId] = await providerIdsUnrecorded(tx, await sender.find(address, content, since).catch(() => []));
        if (providerId) {
          ctx.logger.info({ attemptId, providerId }, 'an earlier try of this page attempt got through; not sending it again');
          await recordAttempt(tx, attempt.id, { state: 'sent', maskedAddress, providerId, sentAt: new Date(), error: null });
          return { status: 'done', result: { providerId, found: true } };
        }
      }
      try {
        const sent = await sender.send(address, content, `firewatch-attempt-${attempt.id}`);
        await recordAttempt(tx, attempt.id, { state: 'sent', maskedAddress, providerId: sent.providerId, sentAt: new Date(), error: null });
        return { status: 'done', result: { providerId: sent.providerId } };
      } catch (err) {
        if (!(err instanceof ProviderRefused)) throw err;
        return refused(ctx, tx, attempt, maskedAddress, err);
      }
    });
  };
}

/**
 * The attempt, locked with its page, when it may still go out: an acknowledgement or a resolve that
 * committed since cancels it, and one that comes later waits for this transaction.
 */
async function stillToSend(
  tx: Tx,
  attemptId: number,
): Promise<{ attempt: NotificationAttempt; page: Page } | { outcome: DeliveryOutcome }> {
  const found = await attemptToSend(tx, attemptId);
  if (!found) return { outcome: { status: 'failed', error: `attempt ${attemptId} does not exist` } };
  const { attempt, page } = found;
  if (attempt.state !== 'queued') return { outcome: { status: 'done', result: { skipped: attempt.state } } };
  if (!pageIsOpen(page)) {
    await recordAttempt(tx, attempt.id, { state: 'cancelled' });
    return { outcome: { status: 'done', result: { skipped: page.state } } };
  }
  return found;
}

/** The attempt as it can be sent now, or why it will not be: gone, over, or without a way to reach the person. */
async function prepare(ctx: ProviderContext, tx: Tx, attemptId: number): Promise<Ready> {
  const still = await stillToSend(tx, attemptId);
  if ('outcome' in still) return still;
  const { attempt, page } = still;
  const sender = ctx.senders[attempt.method];
  const address = await addressOf(tx, ctx.config, attempt.userId, attempt.method);
  if (!sender || !address) {
    const error = sender
      ? `no address for ${METHOD_NAMES[attempt.method].replace(/^a /, '')}`
      : (ctx.unavailable[attempt.method] ?? 'unavailable');
    await recordAttempt(tx, attempt.id, { state: 'skipped', error });
    return { outcome: { status: 'done', result: { skipped: error } } };
  }
  // A test page has no incident: its content says it is a test.
  const incident = page.incidentId === null ? undefined : await getIncident(tx, page.incidentId);
  if (page.incidentId !== null && !incident) return { outcome: { status: 'failed', error: `incident ${page.incidentId} does not exist` } };
  return {
    attempt,
    page,
    address,
    maskedAddress: maskAddress(attempt.method, address),
    content: await content(ctx, tx, incident, page, attempt),
  };
}

async function content(
  ctx: ProviderContext,
  tx: Tx,
  incident: Incident | undefined,
  page: Page,
  attempt: NotificationAttempt,
): Promise<PageContent> {
  const token = await attemptAckToken(tx, ctx.secret, { pageId: page.id, userId: attempt.userId, attemptId: attempt.id });
  const links = {
    ackUrl: ackUrl(ctx.publicUrl, token),
    callUrl: `${ctx.publicUrl}/twilio/voice?${new URLSearchParams({ page: String(page.id), user: attempt.userId })}`,
  };
  return pageContent(ctx.config, incident, page, links);
}

/** A provider's refusal: tried again later when it may pass, otherwise the method failed and the person hears why. */
async function refused(
  ctx: ProviderContext,
  tx: Tx,
  attempt: NotificationAttempt,
  maskedAddress: string,
  err: ProviderRefused,
): Promise<DeliveryOutcome> {
  if (!err.permanent) {
    await recordAttempt(tx, attempt.id, { maskedAddress, error: err.message });
    return { status: 'retry', error: err.message };
  }
  await recordAttempt(tx, attempt.id, { state: 'failed', maskedAddress, error: err.message });
  // The person learns why one of their methods did not reach them; their other rules and the policy go on.
  await enqueue(tx, [failureNotice({ ...attempt, maskedAddress }, err.message)], attemptEnqueueOptions(attempt));
  ctx.logger.warn({ attemptId: attempt.id, method: attempt.method, error: err.message }, 'a page attempt was refused for good');
  return { status: 'done', result: { refused: err.message } };
}
