import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';

/**
 * Slack waits 3 s for an answer; past that Bolt has answered for us (Slack shows the person a timeout)
 * and a late ack throws, though the request may well have done its work (a database slow to commit, a
 * machine short of CPU). Whatever happened, the person is told it by another way.
 */
export function answeredTooLate(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ERR_HTTP_HEADERS_SENT';
}

type CommandAck = AckFn<string | RespondArguments>;

/** A command's ack that sends a late answer to the command's response_url. */
export function commandAckEvenIfLate(ack: CommandAck, respond: RespondFn, logger: Logger): CommandAck {
  return async (response) => {
    try {
      await ack(response);
    } catch (err) {
      if (!answeredTooLate(err)) throw err;
      logger.warn('a command was answered after Slack stopped waiting; the answer goes to its response_url');
      if (response === undefined || response === '') return;
      await respond(typeof response === 'string' ? { response_type: 'ephemeral', text: response } : response);
    }
  };
}

export type FormErrors = Record<string, string>;
/** A view submission's ack, as far as Firewatch's forms use it. */
export type FormAck = (response?: { response_action: 'errors'; errors: FormErrors }) => Promise<void>;
/** What a form submission came to: accepted (with what to tell the person, if anything), or refused. */
export type FormAnswer = { ok: true; message?: string } | { ok: false; errors: FormErrors };

/**
 * A form's ack. Past Slack's 3 s the form can no longer show a refusal on its field or close quietly, so
 * the person gets the outcome as a DM instead (`tell`).
 */
export function formAckEvenIfLate(
  ack: FormAck,
  tell: (text: string) => Promise<unknown>,
  logger: Logger,
): (answer: FormAnswer) => Promise<void> {
  return async (answer) => {
    try {
      await (answer.ok ? ack() : ack({ response_action: 'errors', errors: answer.errors }));
    } catch (err) {
      if (!answeredTooLate(err)) throw err;
      logger.warn('a form was answered after Slack stopped waiting; the answer goes to its submitter as a DM');
      const text = answer.ok
        ? answer.message &&
          `${answer.message} Slack stopped waiting for this answer, so your form may still be open with an error: close it, this was recorded.`
        : `⚠️ ${Object.values(answer.errors).join(' ')} (Slack stopped waiting for this answer, so your form could not show it.)`;
      if (!text) return;
      try {
        await tell(text);
      } catch (tellErr) {
        logger.warn({ err: tellErr }, 'could not DM the late answer to a form');
      }
    }
  };
}
