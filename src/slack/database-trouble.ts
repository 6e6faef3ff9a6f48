import { CommitUnconfirmed } from '../db/client.js';

/**
 * The one wording of "the database is not answering", for messages and form fields alike. It says nothing
 * was changed unless the failure may have come after a commit landed.
 */
export function databaseNotAnswering({ nothingChanged }: { nothingChanged: boolean }): string {
  const next = nothingChanged ? 'Nothing was changed; try again in a moment.' : 'Try again in a moment.';
  return `Firewatch could not record that: its database is not answering. ${next}`;
}

export const DATABASE_TROUBLE = `⚠️ ${databaseNotAnswering({ nothingChanged: true })}`;

/** The database went away while the declaration was committing: declaring again could open a duplicate. */
export const DECLARE_UNCONFIRMED =
  '⚠️ Firewatch lost its database while recording that and cannot tell whether the incident was declared. If it was, your confirmation with its channel follows in a moment; if none comes, declare again.';

/** Any other change whose commit could not be confirmed: saying "nothing was changed" could be false. */
export const CHANGE_UNCONFIRMED =
  '⚠️ Firewatch lost its database while recording that and cannot tell whether it was done. Look at the incident channel in a moment before trying again.';

/** What to tell someone whose command failed on the database: nothing changed, unless it may have. */
export function databaseTrouble(err: unknown): string {
  return err instanceof CommitUnconfirmed ? CHANGE_UNCONFIRMED : DATABASE_TROUBLE;
}

/** The same for a form, shown on its field: no ⚠️, and "submitting" rather than "trying" again. */
export function formTrouble(err: unknown): string {
  return err instanceof CommitUnconfirmed
    ? 'Firewatch lost its database while recording this and cannot tell whether it was done. Look at the incident channel in a moment before submitting again.'
    : databaseNotAnswering({ nothingChanged: true });
}
