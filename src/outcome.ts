/**
 * What a domain call answers the person who asked: done, with a message, or refused, with a code a
 * surface can act on (an HTTP status, a button to offer) and a message saying why. Messages name people
 * by user id and Firewatch commands by name, so each surface (Slack, the console) renders them its way.
 */

/** A piece of a message: text as written, a person by Slack user id, or an `/incident` subcommand and its arguments. */
export type Part = string | { readonly user: string } | { readonly command: string };
export type Message = readonly Part[];

export const person = (userId: string): Part => ({ user: userId });
export const command = (text: string): Part => ({ command: text });

/** A message from a template: text stays text, parts stay parts, numbers become text. */
export function msg(strings: TemplateStringsArray, ...values: ReadonlyArray<Part | number>): Message {
  const parts: Part[] = [];
  const push = (part: Part) => {
    const last = parts.at(-1);
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  strings.forEach((text, i) => {
    push(text);
    const value = values[i];
    if (value !== undefined) push(typeof value === 'number' ? String(value) : value);
  });
  return parts;
}

/**
 * Why a request was refused. `not_found`: what it names does not exist; `invalid`: the input is wrong
 * (`field` says which); `unchanged`: it already is so; `final`: its state takes no such change;
 * `conflict`: someone changed it meanwhile; `forbidden`: the rules allow no such move;
 * `reason_required`: the move needs a reason; `postmortem_required`: closing waits for a postmortem.
 */
export type RefusalCode =
  'not_found' | 'invalid' | 'unchanged' | 'final' | 'conflict' | 'forbidden' | 'reason_required' | 'postmortem_required';

export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly message: Message;
  readonly field?: string;
}

export type Done<T extends object = object> = { readonly ok: true; readonly message: Message } & T;

export type Outcome<T extends object = object> = Done<T> | Refusal;

export const refuse = (code: RefusalCode, message: Message, field?: string): Refusal =>
  field === undefined ? { ok: false, code, message } : { ok: false, code, message, field };
