import { MATCHER_SYNTAX, parseSilenceRequest, unendedSilences, unendedWindows } from '../../workflow/silence-offer.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { silenceListMessage } from '../blocks/silences.js';
import { offerMessage } from '../silence-offer.js';
import { invalid, usageHint } from './parsing.js';
import type { GeneralSubcommand } from './subcommand.js';

const USAGE = 'silence <matchers> for <duration> [starting <HH:MM or ISO time>] [stop_pages] [reason]';

type Parsed = { kind: 'silence'; text: string };

/** What the person typed: Slack sends `<>&` as entities, and its clients may turn " into curly quotes. */
const asTyped = (text: string): string =>
  text
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Parsing waits for the handler, which knows the time; a bad request is still refused before anything is
 * read from the database, with the matcher syntax and the parser's own words.
 */
export const silenceCommand: GeneralSubcommand<Parsed> = {
  name: 'silence',
  usage: USAGE,
  summary: 'silence alerts whose labels match, after a preview of what it would have silenced in the last 7 days',
  needsIncident: false,
  parse: ({ ref, rest }) => {
    if (ref !== undefined) return invalid('A silence is about alert labels, not an incident: leave out the INC-<n>.');
    return { kind: 'silence', text: rest };
  },
  async handle({ services, command, ack }, { text }) {
    const now = new Date();
    const parsed = parseSilenceRequest(asTyped(text), now);
    if (!parsed.ok) {
      await ack({
        response_type: 'ephemeral',
        text: `⚠️ ${escapeMrkdwn(parsed.error)}\nMatchers are written ${escapeMrkdwn(MATCHER_SYNTAX)}. ${usageHint(USAGE)}`,
      });
      return;
    }
    const { request } = parsed;
    const message = await offerMessage(
      services,
      {
        matchers: request.matchers,
        startsAt: request.startsAt > now ? request.startsAt : undefined,
        durationMs: request.endsAt.getTime() - request.startsAt.getTime(),
        reason: request.reason,
        userId: command.user_id,
        source: 'slack',
        stopPages: request.stopPages,
      },
      now,
    );
    await ack({ response_type: 'ephemeral', ...message });
  },
};

type ListParsed = { kind: 'silences' };

export const silencesCommand: GeneralSubcommand<ListParsed> = {
  name: 'silences',
  usage: 'silences',
  summary: 'list the active and scheduled silences, each with an Expire button, and the config file’s windows',
  needsIncident: false,
  parse: ({ rest }) => (rest ? invalid('`/incident silences` takes nothing after it.') : { kind: 'silences' }),
  async handle({ services, ack }) {
    const now = new Date();
    await ack({
      response_type: 'ephemeral',
      ...silenceListMessage(await unendedSilences(services.db, now), unendedWindows(services.config, now), now),
    });
  },
};
