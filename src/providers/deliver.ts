import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { getIncident } from '../incidents/queries.js';
import type { Deliverer, DeliveryOutcome } from '../outbox/delivery-outcome.js';
import { effectSchemas } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ackUrl, issueAckToken } from '../paging/ack-tokens.js';
import { attemptEnqueueOptions, attemptToSend, failureNotice, METHOD_NAMES, pageIsOpen, recordAttempt } from '../paging/attempts.js';
import { addressOf } from '../paging/contacts.js';
import { maskAddress } from '../paging/rules.js';
import { pageContent } from './page-message.js';
import { ProviderRefused, type Senders } from './provider.js';

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

/**
 * Delivers `notify.send`: one attempt, sent while its page is locked against acknowledgement, so an
 * acknowledgement that commits first cancels it and one that comes later waits for the send to end.
 */
export function createProviderDeliverer(ctx: ProviderContext): Deliverer {
  return async (row) => {
    const payload = effectSchemas['notify.send'].safeParse(row.payload);
    if (!payload.success) return { status: 'failed', error: `bad payload: ${payload.error.message}` };
    const { attemptId } = payload.data;
    return ctx.db.transaction(async (tx): Promise<DeliveryOutcome> => {
      const found = await attemptToSend(tx, attemptId);
      if (!found) return { status: 'failed', error: `attempt ${attemptId} does not exist` };
      const { attempt, page } = found;
      if (attempt.state !== 'queued') return { status: 'done', result: { skipped: attempt.state } };
      if (!pageIsOpen(page)) {
        await recordAttempt(tx, attempt.id, { state: 'cancelled' });
        return { status: 'done', result: { skipped: page.state } };
      }
      const sender = ctx.senders[attempt.method];
      const address = addressOf(ctx.config, attempt.userId, attempt.method);
      if (!sender || !address) {
        const error = sender
          ? `no address for ${METHOD_NAMES[attempt.method].replace(/^a /, '')}`
          : (ctx.unavailable[attempt.method] ?? 'unavailable');
        await recordAttempt(tx, attempt.id, { state: 'skipped', error });
        return { status: 'done', result: { skipped: error } };
      }
      // A test page has no incident: its content says it is a test.
      const incident = page.incidentId === null ? undefined : await getIncident(tx, page.incidentId);
      if (page.incidentId !== null && !incident) return { status: 'failed', error: `incident ${page.incidentId} does not exist` };
      const maskedAddress = maskAddress(attempt.method, address);
      const token = await issueAckToken(tx, ctx.secret, { pageId: page.id, userId: attempt.userId, attemptId: attempt.id });
      const links = {
        ackUrl: ackUrl(ctx.publicUrl, token),
        callUrl: `${ctx.publicUrl}/twilio/voice?${new URLSearchParams({ page: String(page.id), user: attempt.userId })}`,
      };
      try {
        const sent = await sender.send(address, pageContent(ctx.config, incident, page, links), `firewatch-attempt-${attempt.id}`);
        await recordAttempt(tx, attempt.id, { state: 'sent', maskedAddress, providerId: sent.providerId, sentAt: new Date(), error: null });
        return { status: 'done', result: { providerId: sent.providerId } };
      } catch (err) {
        if (!(err instanceof ProviderRefused)) throw err;
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
    });
  };
}
