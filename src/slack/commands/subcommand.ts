import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import type { Incident } from '../../db/schema.js';
import type { Outcome } from '../../outcome.js';
import { writePostmortemButton } from '../blocks/postmortem.js';
import { say } from '../outcome.js';
import type { Services } from '../services.js';
import type { Args, GrammarContext, Invalid } from './parsing.js';

/** The fields of a slash command the subcommands rely on. */
export const commandSchema = z.object({
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  text: z.string().default(''),
  response_url: z.url(),
});
export type Command = z.infer<typeof commandSchema>;

export type Ack = AckFn<string | RespondArguments>;

export interface CommandContext {
  services: Services;
  command: Command;
  /** Answers the command; past Slack's 3 s the answer goes to the response_url instead. */
  ack: Ack;
  respond: RespondFn;
  helpText: string;
}

/** A command about one incident, which the person was found to be allowed to see. */
export interface IncidentContext extends CommandContext {
  incident: Incident;
}

interface Spec<P> {
  name: string;
  /** What follows `/incident ` in the help and in the refusals. */
  usage: string;
  summary: string;
  parse(args: Args, grammar: GrammarContext): P | Invalid;
}

export interface GeneralSubcommand<P> extends Spec<P> {
  needsIncident: false;
  handle(ctx: CommandContext, parsed: P): Promise<void>;
}

/** The registry finds the incident (named, or the channel's) and checks access before `handle` runs. */
export interface IncidentSubcommand<P> extends Spec<P> {
  needsIncident: true;
  handle(ctx: IncidentContext, parsed: P): Promise<void>;
}

export type Subcommand<P> = GeneralSubcommand<P> | IncidentSubcommand<P>;

export const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });

/** A change's outcome as the person who asked for it sees it. */
export function answer(outcome: Outcome, incidentId?: number): RespondArguments {
  const text = say(outcome);
  // A close that waits for a postmortem offers the form right there.
  if (!outcome.ok && outcome.code === 'postmortem_required' && incidentId !== undefined) {
    return {
      response_type: 'ephemeral',
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, writePostmortemButton(incidentId)],
    };
  }
  return ephemeral(text);
}
