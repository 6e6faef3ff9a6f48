import { startTestPage } from '../../paging/test-pages.js';
import { invalid, mentionedUser, splitFirst, type Invalid } from './parsing.js';
import { answer, type CommandContext } from './subcommand.js';

export const ONCALL_TEST_USAGE = 'oncall test [@user]';

export type OncallTest = { kind: 'oncall_test'; user: string | undefined };

/** `oncall test` (yourself) or `oncall test @someone`. */
export function parseOncallTest(rest: string): OncallTest | Invalid {
  const [word, extra] = splitFirst(rest);
  if (!word) return { kind: 'oncall_test', user: undefined };
  const mention = mentionedUser(word, ONCALL_TEST_USAGE);
  if ('error' in mention) return mention.error;
  if (extra) return invalid(`A test page takes one person at most. Usage: \`/incident ${ONCALL_TEST_USAGE}\``);
  return { kind: 'oncall_test', user: mention.user };
}

/** Sends the test page and answers at once; the receipts follow by DM. */
export async function handleOncallTest({ services, command, ack }: CommandContext, { user }: OncallTest): Promise<void> {
  const outcome = await startTestPage(services.db, services.config, { requestedBy: command.user_id, target: user ?? command.user_id });
  await ack(answer(outcome));
  services.outbox.wake();
}
