import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidSlackRequest, type HTTPReceiver } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Foreground } from '../outbox/foreground.js';
import { BodyTooLarge, readBody } from '../http/body.js';
import { cleanDeep, cleanText } from '../http/sanitize.js';
import { HANDLED_ACTIONS, HANDLED_VIEWS } from './registry.js';

const BODY_LIMIT = 1024 * 1024;

const user = z.object({ id: z.string().min(1) });
const blockActions = z.object({ type: z.literal('block_actions'), user, actions: z.array(z.object({ action_id: z.string() })).min(1) });
const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user,
  // The values are the listener's to judge: a bad field is answered on the form itself.
  view: z.object({ callback_id: z.string(), state: z.object({ values: z.unknown() }) }),
});
const slashCommand = z.object({ command: z.string().startsWith('/'), user_id: z.string().min(1), team_id: z.string().optional() });
/**
 * The events Firewatch listens to, with what Bolt itself reads of them before any listener runs. Other
 * events are answered 200 without reaching Bolt: nothing listens to them.
 */
/**
 * Bolt reads `channel` as a string or an object with an id, and `item` as an object, and throws on
 * anything else (null, a string) before a listener could refuse it.
 */
const channelField = z.union([z.string(), z.looseObject({ id: z.string() })]).optional();
const event = (shape: z.ZodRawShape) =>
  z.looseObject({ user: z.string(), channel: channelField, item: z.looseObject({ channel: channelField }).optional(), ...shape });
/** A reaction on a message; one on a file or file comment has no `item.channel` and nothing to do here. */
const reaction = z.union([
  event({ item: z.looseObject({ type: z.literal('message'), channel: z.string() }) }),
  event({ item: z.looseObject({ type: z.enum(['file', 'file_comment']) }) }).transform(() => 'ignore' as const),
]);
const EVENT_SHAPES: Partial<Record<string, z.ZodType>> = {
  reaction_added: reaction,
  reaction_removed: reaction,
  pin_added: event({ channel_id: z.string(), item: z.looseObject({ channel: channelField }) }),
  pin_removed: event({ channel_id: z.string(), item: z.looseObject({ channel: channelField }) }),
  member_joined_channel: event({ channel: z.string() }),
  member_left_channel: event({ channel: z.string() }),
  app_home_opened: event({ tab: z.string() }),
};

const eventsApi = z.union([
  z.object({ type: z.literal('event_callback'), event_id: z.string().min(1), event: z.looseObject({ type: z.string() }) }),
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({ type: z.literal('app_rate_limited') }),
]);

/**
 * What to do with a signed body: hand it to Bolt, answer 200 at once (a kind of interaction Firewatch
 * does not listen for, which Bolt would leave unanswered for three seconds), or refuse it as malformed.
 * Strings are cleaned on the way (no NUL, no lone surrogates): Postgres could not store them.
 */
type Triage = { kind: 'bolt'; body: string } | { kind: 'ignore' } | { kind: 'rate-limited' } | { kind: 'malformed' };

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** The media type of a Content-Type header, without its parameters (`; charset=utf-8`), which Bolt does not accept. */
function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase();
}

/** Slack's check that the request URL answers over TLS: unsigned, and answered 200 before any signature check, as Bolt does. */
function isSslCheck(contentType: string | undefined, body: string): boolean {
  return contentType === FORM && new URLSearchParams(body).get('ssl_check') === '1';
}

function triage(contentType: string | undefined, body: string): Triage {
  try {
    if (contentType === FORM) {
      const form = new URLSearchParams(body);
      const payload = form.get('payload');
      if (payload !== null) {
        const parsed = cleanDeep(JSON.parse(payload));
        const type = z.object({ type: z.string() }).safeParse(parsed);
        if (!type.success) return { kind: 'malformed' };
        if (type.data.type === 'block_actions') {
          const actions = blockActions.safeParse(parsed);
          if (!actions.success) return { kind: 'malformed' };
          if (!actions.data.actions.every((a) => HANDLED_ACTIONS.has(a.action_id))) return { kind: 'ignore' };
        } else if (type.data.type === 'view_submission') {
          const view = viewSubmission.safeParse(parsed);
          if (!view.success) return { kind: 'malformed' };
          if (!HANDLED_VIEWS.has(view.data.view.callback_id)) return { kind: 'ignore' };
        } else {
          return { kind: 'ignore' };
        }
        return { kind: 'bolt', body: new URLSearchParams({ payload: JSON.stringify(parsed) }).toString() };
      }
      const fields = Object.fromEntries([...form.entries()].map(([k, v]) => [k, cleanText(v)]));
      return slashCommand.safeParse(fields).success
        ? { kind: 'bolt', body: new URLSearchParams(fields).toString() }
        : { kind: 'malformed' };
    }
    if (contentType === JSON_TYPE) {
      const parsed = cleanDeep(JSON.parse(body));
      const envelope = eventsApi.safeParse(parsed);
      if (!envelope.success) return { kind: 'malformed' };
      if (envelope.data.type === 'app_rate_limited') return { kind: 'rate-limited' };
      if (envelope.data.type === 'event_callback') {
        const type = envelope.data.event.type;
        const shape = Object.hasOwn(EVENT_SHAPES, type) ? EVENT_SHAPES[type] : undefined;
        if (!shape) return { kind: 'ignore' };
        const checked = shape.safeParse(envelope.data.event);
        if (!checked.success) return { kind: 'malformed' };
        if (checked.data === 'ignore') return { kind: 'ignore' };
      }
      return { kind: 'bolt', body: JSON.stringify(parsed) };
    }
    return { kind: 'malformed' };
  } catch {
    return { kind: 'malformed' };
  }
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** What kind of request a body is, for the ack-latency histogram. */
function kindOf(contentType: string | undefined, body: string): string {
  if (contentType === JSON_TYPE) return 'event';
  return body.startsWith('payload=') || body.includes('&payload=') ? 'interaction' : 'command';
}

/**
 * POST /slack/events: checks the signature (401) and that the body is a Slack envelope (400) before Bolt
 * sees it, so a forged or malformed request never reaches a listener and gets an immediate answer.
 */
export function slackEventsHandler(
  receiver: HTTPReceiver,
  signingSecret: string,
  logger: Logger,
  metrics: Metrics,
  foreground: Foreground,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT);
    } catch (err) {
      if (err instanceof BodyTooLarge) res.setHeader('connection', 'close');
      end(res, err instanceof BodyTooLarge ? 413 : 400, err instanceof BodyTooLarge ? 'body too large' : 'could not read body');
      return;
    }
    const body = raw.toString('utf8');
    const contentType = mediaType(req.headers['content-type']);
    if (isSslCheck(contentType, body)) {
      end(res, 200, '');
      return;
    }
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    // Bolt's check refuses only stale timestamps; one from the future is as much a replay risk.
    const fresh = Number.isFinite(timestamp) && Math.abs(Date.now() / 1000 - timestamp) <= 300;
    const signed =
      typeof signature === 'string' &&
      fresh &&
      isValidSlackRequest({ signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
    if (!signed) {
      logger.warn({ path: req.url }, 'refused a request with a bad or stale Slack signature');
      end(res, 401, 'invalid signature');
      return;
    }
    const checked = triage(contentType, body);
    if (checked.kind === 'malformed') {
      end(res, 400, 'malformed body');
      return;
    }
    if (checked.kind === 'rate-limited') {
      // Slack stops sending events for the rest of the minute: the ones it drops are not coming back.
      logger.warn('Slack is dropping events to this app for the rest of the minute (app_rate_limited)');
      metrics.appRateLimited.inc();
      end(res, 200, '');
      return;
    }
    if (checked.kind === 'ignore') {
      end(res, 200, '');
      return;
    }
    const kind = kindOf(contentType, body);
    res.once('finish', () => metrics.ackLatency.observe({ kind }, (performance.now() - started) / 1000));
    const answered = foreground.begin();
    res.once('close', answered);
    // Bolt reads a pre-read body from rawBody (its BufferedIncomingMessage). The signature was checked
    // above on the body as sent; Bolt gets the cleaned body, with its own check turned off.
    Object.assign(req, { rawBody: Buffer.from(checked.body, 'utf8') });
    if (contentType) req.headers['content-type'] = contentType;
    receiver.requestListener(req, res);
  };
}
