import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest, type HTTPReceiver } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { BodyTooLarge, readBody } from './body.js';

const BODY_LIMIT = 1024 * 1024;

const interactivity = z.object({ type: z.string().min(1) });
const slashCommand = z.object({ command: z.string().startsWith('/'), user_id: z.string().min(1), team_id: z.string().optional() });
const eventsApi = z.object({ type: z.enum(['event_callback', 'url_verification', 'app_rate_limited']) });

/** Whether the body is one of the envelopes Slack sends: a command, an interactivity payload or an event. */
function isSlackEnvelope(contentType: string | undefined, body: string): boolean {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQuery(body);
      if (form.ssl_check === '1') return true;
      if (typeof form.payload === 'string') return interactivity.safeParse(JSON.parse(form.payload)).success;
      return slashCommand.safeParse(form).success;
    }
    if (contentType === 'application/json') return eventsApi.safeParse(JSON.parse(body)).success;
    return false;
  } catch {
    return false;
  }
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * POST /slack/events: checks the signature (401) and that the body is a Slack envelope (400) before Bolt
 * sees it, so a forged or malformed request never reaches a listener and gets an immediate answer.
 */
/** What kind of request a body is, for the ack-latency histogram. */
function kindOf(contentType: string | undefined, body: string): string {
  if (contentType === 'application/json') return 'event';
  return body.startsWith('payload=') || body.includes('&payload=') ? 'interaction' : 'command';
}

export function slackEventsHandler(receiver: HTTPReceiver, signingSecret: string, logger: Logger, metrics: Metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT);
    } catch (err) {
      end(res, err instanceof BodyTooLarge ? 413 : 400, err instanceof BodyTooLarge ? 'body too large' : 'could not read body');
      return;
    }
    const body = raw.toString('utf8');
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const signed =
      typeof signature === 'string' &&
      Number.isFinite(timestamp) &&
      isValidSlackRequest({ signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
    if (!signed) {
      logger.warn({ path: req.url }, 'refused a request with a bad or stale Slack signature');
      end(res, 401, 'invalid signature');
      return;
    }
    if (!isSlackEnvelope(req.headers['content-type'], body)) {
      end(res, 400, 'malformed body');
      return;
    }
    const kind = kindOf(req.headers['content-type'], body);
    res.once('finish', () => metrics.ackLatency.observe({ kind }, (performance.now() - started) / 1000));
    // Bolt reads a pre-read body from rawBody (its BufferedIncomingMessage) and verifies it again.
    Object.assign(req, { rawBody: raw });
    receiver.requestListener(req, res);
  };
}
