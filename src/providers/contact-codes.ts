// Delivers `contact.code`: the 6-digit code that confirms a person's new e-mail address (by SMTP) or phone
// number (by SMS), derived again from the secret so it is never stored.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { contactConfirmations } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Deliverer } from '../outbox/delivery-outcome.js';
import { effectSchemas } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { CODE_TTL_MS, codeFor } from '../paging/confirm-codes.js';
import { maskedPending, WORDS } from '../paging/contact-settings.js';
import type { EmailSender } from './email.js';
import { ProviderRefused } from './provider.js';
import { TwilioRequestError, type TwilioClient } from './twilio.js';

export interface CodeContext {
  db: Db;
  logger: Logger;
  secret: string;
  email: EmailSender | undefined;
  twilio: TwilioClient | undefined;
}

const minutes = CODE_TTL_MS / 60_000;

export function createCodeDeliverer(ctx: CodeContext): Deliverer {
  return async (row) => {
    const payload = effectSchemas['contact.code'].safeParse(row.payload);
    if (!payload.success) return { status: 'failed', error: `bad payload: ${payload.error.message}` };
    const [pending] = await ctx.db.select().from(contactConfirmations).where(eq(contactConfirmations.id, payload.data.confirmationId));
    // A newer address replaced this one, or it was confirmed, or it expired: its code is of no use now.
    if (!pending || pending.expiresAt <= new Date()) return { status: 'done', result: { skipped: 'no longer waiting' } };
    const code = codeFor(ctx.secret, pending.salt);
    try {
      if (pending.method === 'email') {
        if (!ctx.email) return { status: 'done', result: { skipped: 'SMTP_URL is not set' } };
        const sent = await ctx.email.send(
          pending.address,
          {
            subject: `Your Firewatch confirmation code: ${code}`,
            text: [
              `Your code is ${code}.`,
              `Enter it in Firewatch's form in Slack to receive pages at this address. It expires in ${minutes} minutes.`,
              'If you did not ask for this, ignore this e-mail: the address is not used until the code is entered.',
            ].join('\n'),
          },
          `firewatch-code-${pending.id}-${pending.salt.slice(0, 8)}`,
        );
        return { status: 'done', result: { providerId: sent.providerId } };
      }
      if (!ctx.twilio) return { status: 'done', result: { skipped: 'TWILIO_* is not set' } };
      const sid = await ctx.twilio.sendSms({
        to: pending.address,
        body: `Firewatch code: ${code}. Enter it in Slack to get pages on this number. It expires in ${minutes} minutes.`,
      });
      return { status: 'done', result: { providerId: sid } };
    } catch (err) {
      const refused =
        err instanceof ProviderRefused
          ? { permanent: err.permanent, message: err.message }
          : err instanceof TwilioRequestError
            ? { permanent: !err.transient, message: `Twilio ${err.code ?? err.status ?? ''} ${err.message}`.replace(/\s+/g, ' ') }
            : undefined;
      if (!refused) throw err;
      if (!refused.permanent) return { status: 'retry', error: refused.message };
      // Refused for good (no such mailbox, not a number that takes SMS): the person hears why and may try another.
      await ctx.db.transaction(async (tx) => {
        await tx.delete(contactConfirmations).where(eq(contactConfirmations.id, pending.id));
        const text = `⚠️ Firewatch could not send the code to your new ${WORDS[pending.method]} ${maskedPending(pending)} (${refused.message}), so it is not used. Check it and save it again.`;
        await enqueue(tx, [{ kind: 'notice.dm', payload: { userId: pending.userId, text } }], { orderingKey: `contact:${pending.id}` });
      });
      ctx.logger.warn({ confirmationId: pending.id, error: refused.message }, 'a confirmation code was refused for good');
      return { status: 'done', result: { refused: refused.message } };
    }
  };
}
