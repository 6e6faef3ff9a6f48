/**
 * How a form is listened to. A form is declared with its callback id, so the set of handled views is read
 * off the same declarations that register the listeners.
 */
import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Services } from '../../services.js';
import { formAckEvenIfLate, type FormAck } from '../late-answers.js';

export interface Form {
  callbackId: string;
  listen(app: App, services: Services): void;
}

export type Submission = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'body' | 'view'>;

export function form(callbackId: string, onSubmit: (services: Services, submission: Submission) => Promise<void>): Form {
  return {
    callbackId,
    listen: (app, services) => app.view<ViewSubmitAction>(callbackId, ({ ack, body, view }) => onSubmit(services, { ack, body, view })),
  };
}

/** A form's ack that, past Slack's 3 s, DMs the person what the form can no longer show. */
export const formAck = (services: Services, ack: FormAck, userId: string) =>
  formAckEvenIfLate(ack, (text) => services.client.chat.postMessage({ channel: userId, text }), services.logger);
