import { calendarToken, calendarUrl, resetCalendarToken } from '../../paging/calendar-tokens.js';
import { calendarLinksText, calendarResetText } from '../blocks/calendar.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { invalid, splitFirst, usageHint, type Invalid } from './parsing.js';
import { answer, ephemeral, type CommandContext } from './subcommand.js';

export const ONCALL_CALENDAR_USAGE = 'oncall calendar [reset] [schedule]';

export type OncallCalendar = { kind: 'oncall_calendar'; reset: boolean; schedule: string | undefined };

/** `oncall calendar [schedule]` or `oncall calendar reset [schedule]`. */
export function parseOncallCalendar(rest: string): OncallCalendar | Invalid {
  const [first, afterFirst] = splitFirst(rest);
  const reset = first.toLowerCase() === 'reset';
  const [schedule, extra] = reset ? splitFirst(afterFirst) : [first, afterFirst];
  if (extra) return invalid(`A calendar link is for one schedule at most. ${usageHint(ONCALL_CALENDAR_USAGE)}`);
  return { kind: 'oncall_calendar', reset, schedule: schedule ? schedule.toLowerCase() : undefined };
}

/** The caller's private links (made on first use), or a new one in place of a leaked one. */
export async function handleOncallCalendar({ services, command, ack }: CommandContext, parsed: OncallCalendar): Promise<void> {
  const { db, config, secret, publicUrl } = services;
  const user = command.user_id;
  const named = parsed.schedule === undefined ? undefined : config.schedules.find((s) => s.id === parsed.schedule);
  if (parsed.schedule !== undefined && !named) {
    const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured';
    await ack(ephemeral(`⚠️ Unknown schedule "${escapeMrkdwn(parsed.schedule)}". Schedules: ${known}.`));
    return;
  }
  if (parsed.reset) {
    const subject = named ? { kind: 'schedule' as const, scheduleId: named.id } : { kind: 'person' as const, userId: user };
    const reset = await resetCalendarToken(db, secret, config, { subject, actor: user });
    if (!reset.ok) {
      await ack(answer(reset));
      return;
    }
    await ack(ephemeral(calendarResetText({ scheduleId: named?.id, url: calendarUrl(publicUrl, reset.token) })));
    return;
  }
  const person = calendarUrl(publicUrl, await calendarToken(db, secret, { kind: 'person', userId: user }, user));
  const shown = named ? [named] : config.schedules.filter((s) => s.rotation.users.includes(user));
  const schedules = [];
  for (const s of shown) {
    schedules.push({
      id: s.id,
      url: calendarUrl(publicUrl, await calendarToken(db, secret, { kind: 'schedule', scheduleId: s.id }, user)),
    });
  }
  await ack(ephemeral(calendarLinksText({ person, schedules, onNoRotation: !named && shown.length === 0 })));
}
