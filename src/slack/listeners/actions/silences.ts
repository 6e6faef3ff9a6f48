// The buttons of silences: Silence (and its second confirmation past silence_max), Cancel, Expire, and the
// Silence 2h button under an alert line. Every value is re-read as untrusted: a click payload can be forged.
import { eq } from 'drizzle-orm';
import { silences } from '../../../db/schema.js';
import { incidentKey } from '../../../incidents/queries.js';
import { createdText, longSilenceMessage, SILENCE_ACTIONS, silenceListMessage } from '../../blocks/silences.js';
import {
  alertLine,
  decodeOffer,
  expireSilence,
  makeSilence,
  REASON_MAX,
  unendedSilences,
  unendedWindows,
  type SilenceOffer,
} from '../../../workflow/silence-offer.js';
import { offerMessage } from '../../silence-offer.js';
import { findTarget } from '../target.js';
import { anId, button, tell, type Button, type Click } from './buttons.js';

/** The button's own 2 hours; the preview and the silence both read it from here. */
export const ALERT_SILENCE_MS = 2 * 3_600_000;

/** The offer a button carries, and the value itself, which the second confirmation carries on unchanged. */
type Carried = { offer: SilenceOffer; raw: string };

async function create(click: Click<Carried>, confirmedLong: boolean): Promise<void> {
  const { services, value, userId, reply } = click;
  const { offer } = value;
  if (offer.userId !== userId) {
    await tell(reply, '⚠️ Only the person who asked for this silence can make it; run `/incident silence` yourself.');
    return;
  }
  if (!confirmedLong && offer.durationMs > services.config.silenceMaxMs) {
    await reply({
      response_type: 'ephemeral',
      replace_original: true,
      ...longSilenceMessage(offer.matchers, offer.durationMs, services.config.silenceMaxMs, value.raw),
    });
    return;
  }
  const now = new Date();
  const row = await makeSilence(services.db, services.config, offer, now);
  services.logger.info({ silence: row.id, by: userId, source: offer.source }, 'silence made');
  await reply({ response_type: 'ephemeral', replace_original: true, text: createdText(row, now) });
}

const offerButton = (actionId: string, confirmedLong: boolean): Button =>
  button<Carried>({
    actionId,
    what: 'a silence',
    parse: (raw) => {
      const offer = decodeOffer(raw);
      return offer && { offer, raw };
    },
    run: (click) => create(click, confirmedLong),
  });

export const silenceButtons: readonly Button[] = [
  offerButton(SILENCE_ACTIONS.create, false),
  offerButton(SILENCE_ACTIONS.createLong, true),
  button({
    actionId: SILENCE_ACTIONS.cancel,
    what: 'a silence',
    parse: (value) => (value === 'cancel' ? value : undefined),
    run: async ({ reply }) => {
      await reply({ response_type: 'ephemeral', replace_original: true, text: 'Nothing was silenced.' });
    },
  }),
  button({
    actionId: SILENCE_ACTIONS.expire,
    what: 'a silence',
    parse: anId,
    run: async ({ services, value, userId, reply, inMessage }) => {
      const now = new Date();
      const [before] = await services.db.select().from(silences).where(eq(silences.id, value));
      if (!before) {
        await tell(reply, `⚠️ There is no silence #${value}.`);
        return;
      }
      const ended = before.endsAt.getTime() <= now.getTime();
      if (!ended) await expireSilence(services.db, value, userId, now);
      services.logger.info({ silence: value, by: userId, alreadyEnded: ended }, 'silence expired');
      const notice = ended
        ? `Silence #${value} had already ended; nothing changed.`
        : `✅ Silence #${value} expired: its alerts count again.`;
      if (inMessage)
        await reply({
          response_type: 'ephemeral',
          replace_original: true,
          ...silenceListMessage(await unendedSilences(services.db, now), unendedWindows(services.config, now), now, notice),
        });
      else await tell(reply, notice);
    },
  }),
  button({
    actionId: SILENCE_ACTIONS.fromAlert,
    what: 'an alert',
    parse: anId,
    run: async ({ services, value, userId, reply }) => {
      const line = await alertLine(services.db, value);
      const target = line ? await findTarget(services, { ref: line.incidentId, channelId: undefined, userId }) : undefined;
      if (!line || !target?.ok) {
        await tell(reply, target && !target.ok ? `⚠️ ${target.message}` : '⚠️ That alert is no longer known to Firewatch.');
        return;
      }
      const message = await offerMessage(services, {
        matchers: line.matchers,
        startsAt: undefined,
        durationMs: ALERT_SILENCE_MS,
        reason: `From the alert “${line.title}” on ${incidentKey(line.incidentId)}`.slice(0, REASON_MAX),
        userId,
        source: 'button',
        stopPages: false,
      });
      await reply({ response_type: 'ephemeral', replace_original: false, ...message });
    },
  }),
];
