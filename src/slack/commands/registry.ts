/**
 * The `/incident` subcommands, in the order help lists them. Adding one is a module in this folder and a
 * line here: the parser, the help and the dispatch are all read off this list.
 */
import { escapeMrkdwn } from '../blocks/text.js';
import { findTarget } from '../listeners/target.js';
import { checklistCommand } from './checklist.js';
import { closeCommand } from './close.js';
import { declareCommand } from './declare.js';
import { digestCommand } from './digest.js';
import { drillCommand } from './drill.js';
import { followupCommand } from './followup.js';
import { helpCommand } from './help.js';
import { impactCommand } from './impact.js';
import { serviceCommand } from './service.js';
import { insightsCommand } from './insights.js';
import { workflowsCommand } from './workflows.js';
import { leadCommand } from './lead.js';
import { listCommand } from './list.js';
import { meCommand } from './me.js';
import { noteCommand } from './note.js';
import { oncallCommand } from './oncall.js';
import { alertsCommand } from './alerts.js';
import { pageCommand } from './page.js';
import { INCIDENT_REF, invalid, splitFirst, type Args, type GrammarContext, type Invalid, type Ref } from './parsing.js';
import { postmortemCommand } from './postmortem.js';
import { resolveCommand } from './resolve.js';
import { roleCommand } from './role.js';
import { severityCommand } from './severity.js';
import { silenceCommand, silencesCommand } from './silence.js';
import { statusCommand } from './status.js';
import { statuspageCommand } from './statuspage.js';
import { subscribeCommand, unsubscribeCommand } from './subscriptions.js';
import { ephemeral, type CommandContext, type Subcommand } from './subcommand.js';
import { typeCommand } from './type.js';
import { updateCommand } from './update.js';

export const SUBCOMMANDS = [
  declareCommand,
  drillCommand,
  statusCommand,
  updateCommand,
  severityCommand,
  leadCommand,
  roleCommand,
  pageCommand,
  oncallCommand,
  meCommand,
  noteCommand,
  followupCommand,
  checklistCommand,
  typeCommand,
  impactCommand,
  serviceCommand,
  statuspageCommand,
  silenceCommand,
  silencesCommand,
  alertsCommand,
  resolveCommand,
  closeCommand,
  postmortemCommand,
  insightsCommand,
  workflowsCommand,
  digestCommand,
  listCommand,
  subscribeCommand,
  unsubscribeCommand,
  helpCommand,
] as const;

type Refused = Invalid | { kind: 'unknown'; name: string };

/** What was asked: one of the subcommands' parsed forms, or why the text asks for nothing Firewatch does. */
export type ParsedCommand = ReturnType<(typeof SUBCOMMANDS)[number]['parse']> | Refused;

/**
 * Any module, seen through the union of all parsed forms. Sound because `bind` only ever hands a module's
 * handler what that same module's parser returned.
 */
type AnySubcommand = Subcommand<Exclude<ParsedCommand, Refused>>;

const BY_NAME: ReadonlyMap<string, AnySubcommand> = new Map(SUBCOMMANDS.map((s) => [s.name, s]));

export function helpText(): string {
  const lines = SUBCOMMANDS.map((s) => `• \`/incident ${s.usage}\` — ${s.summary}`);
  return [
    '*Firewatch* — `/incident` subcommands. Inside an incident channel the incident is implied; elsewhere, give `INC-<n>` first.',
    ...lines,
  ].join('\n');
}

export interface Routed {
  parsed: ParsedCommand;
  /** The module the subcommand's name picked, even when its arguments were refused. */
  subcommand: AnySubcommand | undefined;
  run(ctx: CommandContext): Promise<void>;
}

const refusal = (parsed: Refused, subcommand?: AnySubcommand): Routed => ({
  parsed,
  subcommand,
  run: async ({ ack }) =>
    ack(
      ephemeral(parsed.kind === 'unknown' ? `Unknown subcommand \`${escapeMrkdwn(parsed.name)}\`.\n${helpText()}` : `⚠️ ${parsed.message}`),
    ),
});

/** Binds a parse to the handler of the module that made it, finding the incident first where one is needed. */
function bind(subcommand: AnySubcommand, args: Args, grammar: GrammarContext): Routed {
  const parsed = subcommand.parse(args, grammar);
  if (parsed.kind === 'invalid') return refusal(parsed, subcommand);
  const run = async (ctx: CommandContext) => {
    if (!subcommand.needsIncident) return subcommand.handle(ctx, parsed);
    const { command, services } = ctx;
    const target = await findTarget(services, { ref: args.ref, channelId: command.channel_id, userId: command.user_id });
    if (!target.ok) return ctx.ack(ephemeral(`⚠️ ${target.message}`));
    await subcommand.handle({ ...ctx, incident: target.incident }, parsed);
    services.outbox.wake();
  };
  return { parsed, subcommand, run };
}

/** Reads the text after `/incident` into the subcommand it names and what to run for it. */
export function routeCommand(text: string, grammar: GrammarContext): Routed {
  let [first, rest] = splitFirst(text);
  if (!first) return bind(helpCommand, { ref: undefined, rest: '' }, grammar);
  let ref: Ref;
  // `/incident INC-12 status …` names the incident before the subcommand.
  const leadingRef = INCIDENT_REF.exec(first);
  if (leadingRef) {
    ref = Number(leadingRef[1]);
    [first, rest] = splitFirst(rest);
    if (!first) return refusal(invalid(`Say what to do with INC-${ref}, e.g. \`/incident INC-${ref} status identified\`.`));
  }
  const name = first.toLowerCase();
  const subcommand = BY_NAME.get(name);
  if (!subcommand) return refusal({ kind: 'unknown', name });
  // `/incident status INC-12 …` names it as the subcommand's first argument.
  if (ref === undefined) {
    const [maybeRef, afterRef] = splitFirst(rest);
    const match = INCIDENT_REF.exec(maybeRef);
    if (match) {
      ref = Number(match[1]);
      rest = afterRef;
    }
  }
  return bind(subcommand, { ref, rest }, grammar);
}

/** The text after `/incident`, parsed: pure, for what a command asks without running it. */
export function parseCommand(text: string, grammar: GrammarContext): ParsedCommand {
  return routeCommand(text, grammar).parsed;
}
