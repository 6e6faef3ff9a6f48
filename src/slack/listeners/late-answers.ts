import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { View } from '@slack/types';
import type { Logger } from '../../logger.js';

/**
 * Slack waits 3 s for an answer and then shows the person a timeout, though the request may well have done
 * its work (a database slow to commit, a machine short of CPU). Whatever happened, the person is told it
 * by another way. Firewatch keeps the time itself, because only over HTTP does a late ack fail (Bolt has
 * answered 404 and the ack throws); over Socket Mode it is sent and Slack drops it without a word. Past
 * 2.5 s from the listener's start an answer might not reach Slack within its 3 s, so it goes the other way.
 */
export const ANSWER_DEADLINE_MS = 2_500;

/** When a request's answer can no longer be trusted to reach Slack in time: measured from now, the listener's start. */
export function answerDeadline(ms = ANSWER_DEADLINE_MS): () => boolean {
  const started = performance.now();
  return () => performance.now() - started > ms;
}

/** Over HTTP, an ack after Bolt has answered for us (at 3 s) throws this. */
export function answeredTooLate(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ERR_HTTP_HEADERS_SENT';
}

/**
 * Acks with `response` while Slack still waits, else with nothing (which ends Bolt's request, or is
 * dropped when Bolt already did); says whether `response` was sent in time.
 */
async function ackInTime<R>(ack: (response?: R) => Promise<void>, response: R | undefined, late: () => boolean): Promise<boolean> {
  try {
    if (late()) {
      await ack();
      return false;
    }
    await ack(response);
    return true;
  } catch (err) {
    if (!answeredTooLate(err)) throw err;
    return false;
  }
}

type CommandAck = AckFn<string | RespondArguments>;

/** A command's ack that sends a late answer to the command's response_url. Make it as the listener starts. */
export function commandAckEvenIfLate(ack: CommandAck, respond: RespondFn, logger: Logger, late = answerDeadline()): CommandAck {
  return async (response) => {
    if (!(await ackInTime(ack, response, late))) {
      logger.warn('a command was answered after Slack stopped waiting; the answer goes to its response_url');
      if (response === undefined || response === '') return;
      await respond(typeof response === 'string' ? { response_type: 'ephemeral', text: response } : response);
    }
  };
}

export type FormErrors = Record<string, string>;
/** A view submission's ack, as far as Firewatch's forms use it. */
export type FormAck = (
  response?: { response_action: 'errors'; errors: FormErrors } | { response_action: 'update'; view: View },
) => Promise<void>;
/**
 * What a form submission came to: accepted (with what to tell the person, if anything, and the view that
 * takes the form's place, if any), or refused.
 */
export type FormAnswer = { ok: true; message?: string; next?: View } | { ok: false; errors: FormErrors };

/**
 * A form's ack. Past Slack's 3 s the form can no longer show a refusal on its field or close quietly, so
 * the person gets the outcome as a DM instead (`tell`). Make it as the listener starts.
 */
export function formAckEvenIfLate(
  ack: FormAck,
  tell: (text: string) => Promise<unknown>,
  logger: Logger,
  late = answerDeadline(),
): (answer: FormAnswer) => Promise<void> {
  return async (answer) => {
    const response = !answer.ok
      ? ({ response_action: 'errors', errors: answer.errors } as const)
      : answer.next
        ? ({ response_action: 'update', view: answer.next } as const)
        : undefined;
    if (!(await ackInTime(ack, response, late))) {
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
