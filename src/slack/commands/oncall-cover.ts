import { requestCover } from '../../paging/cover.js';
import { coverAnswer } from '../blocks/cover.js';
import { markupIn } from './oncall-override.js';
import { invalid, splitFirst, usageHint, type Invalid } from './parsing.js';
import { ephemeral, type CommandContext } from './subcommand.js';

export const ONCALL_COVER_USAGE = 'oncall cover <schedule> <from> <to> [reason]';

export type OncallCover = { kind: 'oncall_cover'; schedule: string; from: string; to: string; reason: string | null };

export function parseOncallCover(rest: string): OncallCover | Invalid {
  const [schedule, afterSchedule] = splitFirst(rest);
  const [from, afterFrom] = splitFirst(afterSchedule);
  const [to, reason] = splitFirst(afterFrom);
  if (!schedule || !from || !to)
    return invalid(`Name the schedule, the start and the end, e.g. \`platform now +8h Dentist\`. ${usageHint(ONCALL_COVER_USAGE)}`);
  const markup = markupIn([schedule, from, to], ONCALL_COVER_USAGE);
  if (markup) return markup;
  return { kind: 'oncall_cover', schedule: schedule.toLowerCase(), from, to, reason: reason.slice(0, 500) || null };
}

export async function handleOncallCover({ services, command, ack }: CommandContext, parsed: OncallCover): Promise<void> {
  const outcome = await requestCover(services.db, services.config, {
    scheduleId: parsed.schedule,
    requester: command.user_id,
    from: parsed.from,
    to: parsed.to,
    now: new Date(),
    reason: parsed.reason,
    fallbackChannel: command.channel_id,
  });
  await ack(ephemeral(coverAnswer(outcome)));
  if (outcome.ok) services.outbox.wake();
}
