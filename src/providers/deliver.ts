import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import type { NotificationAttempt, Page } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { getIncidents } from '../incidents/queries.js';
import type { BatchDeliverer, DeliveryOutcome } from '../outbox/delivery-outcome.js';
import { effectSchemas } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ackUrl, attemptAckTokens } from '../paging/ack-tokens.js';
import {
  attemptEnqueueOptions,
  attemptsToSend,
  claimAttempts,
  failureNotice,
  METHOD_NAMES,
  pageIsOpen,
  providerIdsUnrecorded,
  recordAttempt,
} from '../paging/attempts.js';
import { addressesOf } from '../paging/contacts.js';
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
 * Delivers `notify.send` rows a group at a time, each attempt in two steps. The first, one transaction
 * for the group, settles what each says and where, records that a try begins (and the attempt's
 * acknowledgement link) and commits; the second, a transaction per attempt, sends while the page is
 * locked against acknowledgement, so an acknowledgement that commits first cancels it and one that comes
 * later waits for that send to end. A try that finds an earlier one begun asks the provider whether that
 * one got through (the process died, or the answer was lost, after the provider took it) instead of
 * sending again.
 */
export function createProviderDeliverer(ctx: ProviderContext): BatchDeliverer {
  return async (rows) => {
    const payloads = rows.map((row) => effectSchemas['notify.send'].safeParse(row.payload));
    const attemptIds = payloads.flatMap((p) => (p.success ? [p.data.attemptId] : []));
    const prepared = await ctx.db.transaction(async (tx) => {
      const ready = await prepare(ctx, tx, attemptIds);
      await claimAttempts(
        tx,
        ready.flatMap((r) => ('outcome' in r ? [] : [r.attempt])),
      );
      return ready;
    });
    let next = 0;
    return Promise.all(
      payloads.map((payload): Promise<DeliveryOutcome> | DeliveryOutcome => {
        if (!payload.success) return { status: 'failed', error: `bad payload: ${payload.error.message}` };
        const ready = prepared[next++]!;
        return 'outcome' in ready ? ready.outcome : send(ctx, ready);
      }),
    );
  };
}

/** The second step: sent only if it may still go out; what it says and where were settled by the claim. */
async function send(ctx: ProviderContext, ready: Exclude<Ready, { outcome: DeliveryOutcome }>): Promise<DeliveryOutcome> {
  const { address, maskedAddress, content } = ready;
  const earlierTry = ready.attempt.claimedAt;
  return ctx.db.transaction(async (tx): Promise<DeliveryOutcome> => {
    const [found] = await attemptsToSend(tx, [ready.attempt.id]);
    const still = await stillToSend(tx, ready.attempt.id, found);
    if ('outcome' in still) return still.outcome;
    const { attempt } = still;
    const sender = ctx.senders[attempt.method]!;
    if (earlierTry && sender.find) {
      const since = new Date(earlierTry.getTime() - CLOCK_SKEW_MS);
      const [providerId] = await providerIdsUnrecorded(tx, await sender.find(address, content, since).catch(() => []));
      if (providerId) {
        ctx.logger.info({ attemptId: attempt.id, providerId }, 'an earlier try of this page attempt got through; not sending it again');
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
}

/**
 * The attempt, locked with its page (by `attemptsToSend`), when it may still go out: an acknowledgement
 * or a resolve that committed since cancels it, and one that comes later waits for this transaction.
 */
async function stillToSend(
  tx: Tx,
  attemptId: number,
  found: { attempt: NotificationAttempt; page: Page } | undefined,
): Promise<{ attempt: NotificationAttempt; page: Page } | { outcome: DeliveryOutcome }> {
  if (!found) return { outcome: { status: 'failed', error: `attempt ${attemptId} does not exist` } };
  const { attempt, page } = found;
  if (attempt.state !== 'queued') return { outcome: { status: 'done', result: { skipped: attempt.state } } };
  if (!pageIsOpen(page)) {
    await recordAttempt(tx, attempt.id, { state: 'cancelled' });
    return { outcome: { status: 'done', result: { skipped: page.state } } };
  }
  return found;
}

/**
 * The attempts as they can be sent now, or why each will not be: gone, over, or without a way to reach
 * the person. A few reads for the whole group, whatever its size.
 */
async function prepare(ctx: ProviderContext, tx: Tx, attemptIds: readonly number[]): Promise<Ready[]> {
  const locked = await attemptsToSend(tx, attemptIds);
  const still: Array<Awaited<ReturnType<typeof stillToSend>>> = [];
  for (const [i, id] of attemptIds.entries()) still.push(await stillToSend(tx, id, locked[i]));
  const open = still.flatMap((s) => ('outcome' in s ? [] : [s]));
  const addresses = await addressesOf(
    tx,
    ctx.config,
    open.map(({ attempt }) => ({ userId: attempt.userId, method: attempt.method })),
  );
  const reachable = open.flatMap((s, i) => {
    const address = addresses[i];
    return ctx.senders[s.attempt.method] && address ? [{ ...s, address }] : [];
  });
  // A test page has no incident: its content says it is a test.
  const incidents = await getIncidents(
    tx,
    reachable.flatMap(({ page }) => (page.incidentId === null ? [] : [page.incidentId])),
  );
  const tokens = await attemptAckTokens(
    tx,
    ctx.secret,
    reachable.map(({ attempt, page }) => ({ pageId: page.id, userId: attempt.userId, attemptId: attempt.id })),
  );
  const readyById = new Map<number, Ready>();
  reachable.forEach(({ attempt, page, address }, i) => {
    const incident = page.incidentId === null ? undefined : incidents.get(page.incidentId);
    if (page.incidentId !== null && !incident) {
      readyById.set(attempt.id, { outcome: { status: 'failed', error: `incident ${page.incidentId} does not exist` } });
      return;
    }
    const links = {
      ackUrl: ackUrl(ctx.publicUrl, tokens[i]!),
      callUrl: `${ctx.publicUrl}/twilio/voice?${new URLSearchParams({ page: String(page.id), user: attempt.userId })}`,
    };
    readyById.set(attempt.id, {
      attempt,
      page,
      address,
      maskedAddress: maskAddress(attempt.method, address),
      content: pageContent(ctx.config, incident, page, links),
    });
  });
  const ready: Ready[] = [];
  for (const s of still) {
    if ('outcome' in s) ready.push(s);
    else ready.push(readyById.get(s.attempt.id) ?? (await unreachable(ctx, tx, s.attempt)));
  }
  return ready;
}

/** No sender for the method, or no address for the person: the attempt is skipped, saying why. */
async function unreachable(ctx: ProviderContext, tx: Tx, attempt: NotificationAttempt): Promise<Ready> {
  const error = ctx.senders[attempt.method]
    ? `no address for ${METHOD_NAMES[attempt.method].replace(/^a /, '')}`
    : (ctx.unavailable[attempt.method] ?? 'unavailable');
  await recordAttempt(tx, attempt.id, { state: 'skipped', error });
  return { outcome: { status: 'done', result: { skipped: error } } };
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
