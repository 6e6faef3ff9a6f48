// Declaring from the console: the same declaration Slack and the API make (the Declarer), as the signed-in
// person, from a plain form that POSTs and redirects to the new incident's page.
import type { ServerResponse } from 'node:http';
import { defaultSeverity } from '../../config/load.js';
import type { ConsoleSession } from '../../db/schema.js';
import { MAX_DESCRIPTION, MAX_TITLE, type FieldErrors } from '../../incidents/validate.js';
import { escapeHtml, messageHtml } from '../html.js';
import type { Route } from '../server.js';
import { csrfField } from './auth.js';
import { signedIn, signedInPost, type ConsoleContext } from './context.js';
import { incidentPath } from './incidents-list.js';
import { sendConsolePage } from './layout.js';

/** What the form holds, as typed: shown back as it was when the declaration is refused. */
interface DeclareForm {
  title: string;
  severity: string;
  type: string;
  description: string;
  isPrivate: boolean;
  lead: string;
}

type Errors = FieldErrors & { lead?: string };

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

function readForm(form: URLSearchParams): DeclareForm {
  return {
    title: form.get('title') ?? '',
    severity: form.get('severity') ?? '',
    type: form.get('type') ?? '',
    description: form.get('description') ?? '',
    isPrivate: form.get('private') === '1',
    lead: (form.get('lead') ?? '').trim(),
  };
}

/** One field's error, tied to its input for screen readers. */
const fieldError = (name: keyof Errors, errors: Errors): string =>
  errors[name] ? `<span class="bad" id="${name}-error">${escapeHtml(errors[name])}</span>` : '';
const describedBy = (name: keyof Errors, errors: Errors): string =>
  errors[name] ? ` aria-invalid="true" aria-describedby="${name}-error"` : '';

function formHtml(ctx: ConsoleContext, session: ConsoleSession, values: DeclareForm, errors: Errors, summary: string): string {
  const severities = ctx.config.severities
    .map(
      (s) =>
        `<option value="${escapeHtml(s.id)}"${s.id === values.severity ? ' selected' : ''}>${escapeHtml(`${s.id.toUpperCase()} — ${s.label}`)}</option>`,
    )
    .join('');
  const types = ctx.config.incidentTypes
    .map((t) => `<option value="${escapeHtml(t)}"${t === values.type ? ' selected' : ''}>${escapeHtml(t)}</option>`)
    .join('');
  const alert = summary ? `<div class="error" role="alert"><p>The incident was not declared: ${summary}</p></div>\n` : '';
  return (
    `<h1>Declare an incident</h1>\n${alert}<form class="card declare" method="post" action="/incidents/new">${csrfField(session)}` +
    `<label>Title<input name="title" required maxlength="${MAX_TITLE}" value="${escapeHtml(values.title)}"${describedBy('title', errors)}>${fieldError('title', errors)}</label>` +
    `<label>Severity<select name="severity"${describedBy('severity', errors)}>${severities}</select>${fieldError('severity', errors)}</label>` +
    `<label>Type<select name="type"${describedBy('type', errors)}><option value="">Not set</option>${types}</select>${fieldError('type', errors)}</label>` +
    `<label>Description<textarea name="description" maxlength="${MAX_DESCRIPTION}"${describedBy('description', errors)}>${escapeHtml(values.description)}</textarea>${fieldError('description', errors)}</label>` +
    `<label>Lead (Slack user ID; empty for none yet)<input name="lead" value="${escapeHtml(values.lead)}" autocomplete="off"${describedBy('lead', errors)}>${fieldError('lead', errors)}</label>` +
    `<label class="check"><input type="checkbox" name="private" value="1"${values.isPrivate ? ' checked' : ''}> Private: only its members see it, and it is not announced</label>` +
    `<button type="submit">Declare</button></form>`
  );
}

function sendForm(
  ctx: ConsoleContext,
  res: ServerResponse,
  status: number,
  session: ConsoleSession,
  values: DeclareForm,
  errors: Errors,
  summary = '',
): void {
  sendConsolePage(res, status, session, {
    title: 'Declare an incident',
    section: 'declare',
    body: formHtml(ctx, session, values, errors, summary),
  });
}

export function declarePage(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/incidents/new',
      handler: signedIn(ctx.auth, async (_req, res, session) =>
        sendForm(
          ctx,
          res,
          200,
          session,
          { title: '', severity: defaultSeverity(ctx.config).id, type: '', description: '', isPrivate: false, lead: session.userId },
          {},
        ),
      ),
    },
    {
      method: 'POST',
      path: '/incidents/new',
      handler: signedInPost(ctx.auth, async (_req, res, { session, form }) => {
        const values = readForm(form);
        if (values.lead && !SLACK_USER.test(values.lead)) {
          const lead = `"${values.lead}" is not a Slack user ID (such as U012ABCDEF).`;
          sendForm(ctx, res, 400, session, values, { lead }, escapeHtml(lead));
          return;
        }
        const result = await ctx.declarer.declare({
          title: values.title,
          severity: values.severity,
          description: values.description,
          isPrivate: values.isPrivate,
          declaredBy: session.userId,
          leadId: values.lead || null,
          source: 'console',
          ...(values.type ? { type: values.type } : {}),
        });
        if (!result.ok) {
          sendForm(ctx, res, 400, session, values, result.errors, messageHtml(result.message, {}));
          return;
        }
        ctx.declared();
        ctx.delivered();
        res.writeHead(303, { location: incidentPath(result.incident.id), 'cache-control': 'no-store' });
        res.end();
      }),
    },
  ];
}
