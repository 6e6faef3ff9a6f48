// The console's session cookie and CSRF check, for every console route: who is signed in, and whether a
// POST came from one of our own forms (its per-session token) rather than from another site.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookies, serializeCookie, signValue, unsignValue } from '../../console/cookies.js';
import { endSession, SESSION_TTL_MS, sessionOf } from '../../console/sessions.js';
import type { Db } from '../../db/client.js';
import type { ConsoleSession } from '../../db/schema.js';
import { BodyTooLarge, readBody } from '../body.js';
import { escapeHtml, sendPage } from '../html.js';
import { sameSecret } from '../secrets.js';

export const SESSION_COOKIE = 'firewatch_session';
const SESSION_PURPOSE = 'console session';
/** Console forms are a few fields; anything bigger is not one of them. */
const FORM_LIMIT = 64 * 1024;

export interface SignedInPost {
  session: ConsoleSession;
  form: URLSearchParams;
}

export class ConsoleAuth {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    /** Cookies only over https when people reach Firewatch over https. */
    readonly secure: boolean,
  ) {}

  /** The session's cookie id, if the request carries one Firewatch signed. */
  private sessionId(req: IncomingMessage): string | undefined {
    return unsignValue(SESSION_PURPOSE, parseCookies(req.headers.cookie)[SESSION_COOKIE], this.secret);
  }

  async session(req: IncomingMessage): Promise<ConsoleSession | undefined> {
    const id = this.sessionId(req);
    return id ? sessionOf(this.db, id) : undefined;
  }

  sessionCookie(id: string): string {
    return serializeCookie(SESSION_COOKIE, signValue(SESSION_PURPOSE, id, this.secret), {
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: this.secure,
    });
  }

  /** Ends the request's session (in the database, so on every replica) and answers the cookie that clears it. */
  async signOut(req: IncomingMessage): Promise<string> {
    const id = this.sessionId(req);
    if (id) await endSession(this.db, id);
    return serializeCookie(SESSION_COOKIE, '', { path: '/', maxAge: 0, secure: this.secure });
  }

  /** Whether a script's request carries the session's CSRF token in `x-csrf-token` (the console's API calls). */
  csrfHeaderOk(req: IncomingMessage, session: ConsoleSession): boolean {
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' && sameSecret(header, session.csrfToken);
  }

  /**
   * For every console POST: the session and the form, when the form carries the session's CSRF token
   * (field `_csrf`, or header `x-csrf-token`); otherwise it answers 403 itself and returns undefined.
   */
  async post(req: IncomingMessage, res: ServerResponse): Promise<SignedInPost | undefined> {
    const session = await this.session(req);
    let form: URLSearchParams;
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const body = await readBody(req, FORM_LIMIT);
      form = new URLSearchParams(type === 'application/x-www-form-urlencoded' ? body.toString('utf8') : '');
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      sendPage(res, 413, 'Too large', '<h1>That form is too large</h1>');
      return undefined;
    }
    const header = req.headers['x-csrf-token'];
    const given = form.get('_csrf') ?? (typeof header === 'string' ? header : undefined);
    if (!session) {
      refuse(res, 'You are not signed in (or your session ended), so this form cannot be sent.');
      return undefined;
    }
    if (!given || !sameSecret(given, session.csrfToken)) {
      refuse(res, 'This form did not come from this console page (its security token is missing or wrong). Reload the page and try again.');
      return undefined;
    }
    return { session, form };
  }
}

function refuse(res: ServerResponse, why: string): void {
  sendPage(res, 403, 'Refused', `<h1>Refused</h1>\n<p>${escapeHtml(why)}</p>\n<p><a href="/">Back to the console</a></p>`);
}

/** The hidden field every console form carries. */
export const csrfField = (session: ConsoleSession): string => `<input type="hidden" name="_csrf" value="${escapeHtml(session.csrfToken)}">`;
