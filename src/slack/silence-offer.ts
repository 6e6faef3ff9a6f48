// The preview message of a silence offer (workflow/silence-offer.ts): what it would have held, and its buttons.
import { encodeOffer, previewOffer, type SilenceOffer } from '../workflow/silence-offer.js';
import { previewMessage, type SilenceMessage } from './blocks/silences.js';
import type { Services } from './services.js';

/** Slack's limit on a button's value, which carries the offer. */
const VALUE_MAX = 2000;

export async function offerMessage(services: Services, offer: SilenceOffer, now = new Date()): Promise<SilenceMessage> {
  const value = encodeOffer(offer);
  if (value.length > VALUE_MAX) {
    const text = '⚠️ Those matchers and reason are too long to confirm on a button; shorten them, or make the silence through the API.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  return previewMessage({
    matchers: offer.matchers,
    startsAt: offer.startsAt ?? now,
    durationMs: offer.durationMs,
    reason: offer.reason,
    stopPages: offer.stopPages,
    preview: await previewOffer(services.db, offer, now),
    value,
    now,
  });
}
