import type { ProviderMethod } from '../paging/rules.js';

/** What a page says when it reaches someone outside Slack. */
export interface PageContent {
  /** One line: the subject of an e-mail, the title of a push notification. */
  subject: string;
  /** The whole text: an e-mail's body, an SMS. */
  text: string;
  /** A few words for an SMS: the incident, and how to acknowledge. */
  short: string;
  /** The person's acknowledgement link: GET shows what it acknowledges, POST acknowledges. */
  ackUrl: string;
  /** Where Twilio fetches a page call's TwiML (POST /twilio/voice). */
  callUrl: string;
}

/** A provider's refusal: `permanent` when trying again cannot help (a bad address, a number that opted out). */
export class ProviderRefused extends Error {
  constructor(
    readonly permanent: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** Sends one attempt; `key` names the attempt, so a provider that can tell a repeat sends it once. */
export interface Sender {
  send(to: string, content: PageContent, key: string): Promise<{ providerId: string }>;
  /**
   * For a provider that can be asked what it took: the ids of what it took since `since` that may be this
   * content sent to `to`, newest first. A try after one whose answer was lost asks before sending again.
   */
  find?(to: string, content: PageContent, since: Date): Promise<string[]>;
  /** Lets go of what the sender keeps open (pooled SMTP connections) when Firewatch stops. */
  close?(): void;
}

export type Senders = Partial<Record<ProviderMethod, Sender>>;
