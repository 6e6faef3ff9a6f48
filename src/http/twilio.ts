// The webhooks Twilio calls: inbound SMS, the TwiML of a page's call and its key presses, and delivery
// status. Every request must carry Twilio's signature; what it changes is decided in src/paging/phone.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Env } from '../config/env.js';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Message } from '../outcome.js';
import { answerSms, pageCall, pressedOnCall } from '../paging/phone.js';
import { recordProviderStatus } from '../paging/attempts.js';
import { attemptStateOf } from '../providers/twilio-senders.js';
import { BodyTooLarge, readBody } from './body.js';
import type { Route } from './server.js';
import { verifyTwilioSignature } from './twilio-signature.js';

/** Twilio's webhooks are a few dozen short parameters. */
const BODY_LIMIT = 64 * 1024;

interface Deps {
  env: Env;
  db: Db;
  config: Config;
  logger: Logger;
  /** Called after something was committed that Slack should hear about. */
  delivered: () => void;
}

// A sender need not be a phone number (a short code, an alphanumeric sender id): it is then nobody's.
const smsSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  From: z.string().min(1).max(64),
  Body: z.string().max(1600).default(''),
});
const voiceQuery = z.object({
  page: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number),
  user: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
  step: z.literal('gather').optional(),
  /** The page's step when the menu was read. */
  seen: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .optional(),
  /** Set on the menu repeated after a key that does nothing, which is not repeated again. */
  again: z.literal('1').optional(),
});
const statusSchema = z
  .object({
    MessageSid: z.string().optional(),
    MessageStatus: z.string().optional(),
    CallSid: z.string().optional(),
    CallStatus: z.string().optional(),
    ErrorCode: z.string().optional(),
  })
  .refine((s) => (s.MessageSid && s.MessageStatus) || (s.CallSid && s.CallStatus), 'a MessageSid or CallSid with its status');

type Signed = { ok: true; params: URLSearchParams } | { ok: false; status: 400 | 403 | 413 };

/** Reads the form body and checks its signature over PUBLIC_URL + path + query, as Twilio signs what it requested. */
async function signedForm(req: IncomingMessage, env: Env): Promise<Signed> {
  let raw: Buffer;
  try {
    raw = await readBody(req, BODY_LIMIT);
  } catch (err) {
    return { ok: false, status: err instanceof BodyTooLarge ? 413 : 400 };
  }
  const params = new URLSearchParams(raw.toString('utf8'));
  const configured = env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN;
  const url = `${env.PUBLIC_URL}${req.url ?? '/'}`;
  if (!configured || !verifyTwilioSignature(env.TWILIO_AUTH_TOKEN, url, params, req.headers['x-twilio-signature'])) {
    return { ok: false, status: 403 };
  }
  return { ok: true, params };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 413 ? { connection: 'close' } : {}) });
  res.end(text);
}

function twiml(res: ServerResponse, inner: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>${inner ? `<Response>${inner}</Response>` : '<Response/>'}`);
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * A message as a phone shows or says it, with no Slack markup: the person answering is "you", anyone else
 * is not named (their Slack name is Slack's to know), a command is its plain words.
 */
function spoken(message: Message, actor: string | undefined): string {
  return message
    .map((part) =>
      typeof part === 'string' ? part : 'user' in part ? (part.user === actor ? 'you' : 'someone else') : '/incident ' + part.command,
    )
    .join('');
}

const say = (text: string) => `<Say>${xml(text)}</Say>`;
const goodbye = (text: string) => `${say(text)}<Hangup/>`;

/** POST /twilio/sms, /twilio/voice and /twilio/status. */
export function twilioRoutes(deps: Deps): Route[] {
  const { env, db, config, logger } = deps;

  const sms: Route = {
    method: 'POST',
    path: '/twilio/sms',
    handler: async (req, res) => {
      const form = await signedForm(req, env);
      if (!form.ok) return plain(res, form.status, form.status === 403 ? 'forbidden' : 'bad request');
      const parsed = smsSchema.safeParse(Object.fromEntries(form.params));
      if (!parsed.success) return plain(res, 400, 'not an inbound SMS');
      const answer = await answerSms(db, config, { sid: parsed.data.MessageSid, from: parsed.data.From, body: parsed.data.Body });
      deps.delivered();
      // A signed request seen before is a replay: a captured ACK must not acknowledge a later page.
      if (!answer.reply && answer.replayed) return plain(res, 403, 'forbidden: this message was already answered');
      if (!answer.reply) return twiml(res, '');
      twiml(res, `<Message>${xml(spoken(answer.message, answer.sender))}</Message>`);
    },
  };

  const voice: Route = {
    method: 'POST',
    path: '/twilio/voice',
    handler: async (req, res) => {
      const form = await signedForm(req, env);
      if (!form.ok) return plain(res, form.status, form.status === 403 ? 'forbidden' : 'bad request');
      const query = voiceQuery.safeParse(Object.fromEntries(new URL(req.url ?? '/', env.PUBLIC_URL).searchParams));
      if (!query.success) return twiml(res, goodbye('This call is not about a Firewatch page.'));
      const { page: pageId, user } = query.data;
      const call = await pageCall(db, config, { pageId, user });
      if (call.kind === 'not_found') return twiml(res, goodbye('This page does not exist.'));
      if (call.kind === 'not_theirs') return twiml(res, goodbye('This page is not for you.'));
      if (call.kind === 'over') return twiml(res, goodbye(`${call.key}. ${spoken(call.message, user)} Goodbye.`));
      const test = call.kind === 'test';
      const menu = (again: boolean) => {
        const action = new URLSearchParams({
          page: String(pageId),
          user,
          step: 'gather',
          ...(call.kind === 'open' ? { seen: String(call.step) } : {}),
          ...(again ? { again: '1' } : {}),
        });
        const intro = again
          ? 'That key does nothing.'
          : call.kind === 'test'
            ? 'This is a Firewatch TEST PAGE. Nothing is wrong.'
            : `${call.drill ? 'This is a drill, a practice incident. ' : ''}Firewatch page for ${call.key}, severity ${call.severity}${call.title ? `: ${call.title}` : ''}.`;
        const keys = test ? 'Press 1 to acknowledge.' : 'Press 1 to acknowledge. Press 2 to escalate.';
        return `<Gather numDigits="1" action="${xml(`${env.PUBLIC_URL}/twilio/voice?${action}`)}" method="POST">${say(`${intro} ${keys}`)}</Gather>${goodbye('No key was pressed. Goodbye.')}`;
      };
      if (!query.data.step) return twiml(res, menu(false));
      const digits = form.params.get('Digits') ?? '';
      if (digits !== '1' && (digits !== '2' || test)) {
        return twiml(res, query.data.again ? goodbye('That key does nothing. Goodbye.') : menu(true));
      }
      const pressed = await pressedOnCall(db, { pageId, user, key: digits, seenStep: query.data.seen });
      deps.delivered();
      twiml(res, goodbye(`${spoken(pressed.message, user)} Goodbye.`));
    },
  };

  const status: Route = {
    method: 'POST',
    path: '/twilio/status',
    handler: async (req, res) => {
      const form = await signedForm(req, env);
      if (!form.ok) return plain(res, form.status, form.status === 403 ? 'forbidden' : 'bad request');
      const parsed = statusSchema.safeParse(Object.fromEntries(form.params));
      if (!parsed.success) return plain(res, 400, 'not a Twilio status callback');
      const s = parsed.data;
      const sid = s.MessageSid ?? s.CallSid ?? '';
      const status = s.MessageStatus ?? s.CallStatus ?? '';
      logger.debug({ sid, status, errorCode: s.ErrorCode }, 'twilio status callback');
      const state = attemptStateOf(status);
      if (state) {
        const why = s.ErrorCode ? `Twilio ${s.ErrorCode}` : status === 'busy' ? 'the line was busy' : `Twilio says ${status}`;
        await recordProviderStatus(db, sid, state, state === 'failed' ? why : undefined);
        deps.delivered();
      }
      res.writeHead(204);
      res.end();
    },
  };

  return [sms, voice, status];
}
