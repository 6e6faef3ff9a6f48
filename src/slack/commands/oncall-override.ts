import { overrideShifts } from '../../paging/overrides.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { invalid, mentionedUser, splitFirst, usageHint, type Invalid } from './parsing.js';
import { answer, type CommandContext } from './subcommand.js';

export const ONCALL_OVERRIDE_USAGE = 'oncall override <schedule> @user <from> <to>';

/**
 * The first of `words` that no schedule id or time can be (it holds Slack markup: `<!channel>`, a link),
 * refused before it is quoted back to anyone.
 */
export function markupIn(words: readonly string[], usage: string): Invalid | undefined {
  const word = words.find((w) => /[<>&]/.test(w));
  return word === undefined ? undefined : invalid(`"${escapeMrkdwn(word.slice(0, 40))}" is not a schedule or a time. ${usageHint(usage)}`);
}

export type OncallOverride = { kind: 'oncall_override'; schedule: string; user: string; from: string; to: string };

/** `<schedule> @user <from> <to>`; the times are read once the schedule (and so its zone) is known. */
export function parseOncallOverride(rest: string): OncallOverride | Invalid {
  const [schedule, afterSchedule] = splitFirst(rest);
  const [who, afterWho] = splitFirst(afterSchedule);
  const [from, afterFrom] = splitFirst(afterWho);
  const [to, extra] = splitFirst(afterFrom);
  if (!schedule || !who) return invalid(`Name the schedule and the person who takes over. ${usageHint(ONCALL_OVERRIDE_USAGE)}`);
  const mention = mentionedUser(who, ONCALL_OVERRIDE_USAGE);
  if ('error' in mention) return mention.error;
  if (!from || !to)
    return invalid(
      `Give the start and the end, e.g. \`now +8h\` or \`2026-03-30T09:00 2026-03-31T09:00\`. ${usageHint(ONCALL_OVERRIDE_USAGE)}`,
    );
  if (extra)
    return invalid(
      `An override takes a start and an end only; I did not expect "${escapeMrkdwn(extra.slice(0, 40))}". ${usageHint(ONCALL_OVERRIDE_USAGE)}`,
    );
  const markup = markupIn([schedule, from, to], ONCALL_OVERRIDE_USAGE);
  if (markup) return markup;
  return { kind: 'oncall_override', schedule: schedule.toLowerCase(), user: mention.user, from, to };
}

export async function handleOncallOverride({ services, command, ack }: CommandContext, parsed: OncallOverride): Promise<void> {
  const outcome = await overrideShifts(services.db, services.config, {
    scheduleId: parsed.schedule,
    userId: parsed.user,
    from: parsed.from,
    to: parsed.to,
    now: new Date(),
    actor: command.user_id,
  });
  await ack(answer(outcome));
  // The override's announcements (who moved, any gap) were enqueued with it.
  if (outcome.ok) services.outbox.wake();
}
