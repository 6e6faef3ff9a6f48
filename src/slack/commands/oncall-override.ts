import { overrideShifts } from '../../paging/overrides.js';
import { invalid, mentionedUser, splitFirst, usageHint, type Invalid } from './parsing.js';
import { answer, type CommandContext } from './subcommand.js';

export const ONCALL_OVERRIDE_USAGE = 'oncall override <schedule> @user <from> <to>';

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
  if (extra) return invalid(`An override takes a start and an end only; I did not expect "${extra}". ${usageHint(ONCALL_OVERRIDE_USAGE)}`);
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
}
