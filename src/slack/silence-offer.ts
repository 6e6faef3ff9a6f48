// The preview message of a silence offer (workflow/silence-offer.ts): what it would have held, and its buttons.
import { encodeOffer, previewOffer, type SilenceOffer } from '../workflow/silence-offer.js';
import { previewMessage, type SilenceMessage } from './blocks/silences.js';
import type { Services } from './services.js';

export async function offerMessage(services: Services, offer: SilenceOffer, now = new Date()): Promise<SilenceMessage> {
  return previewMessage({
    matchers: offer.matchers,
    startsAt: offer.startsAt ?? now,
    durationMs: offer.durationMs,
    reason: offer.reason,
    preview: await previewOffer(services.db, offer, now),
    value: encodeOffer(offer),
    now,
  });
}
