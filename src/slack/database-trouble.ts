import { CommitUnconfirmed } from '../db/client.js';

export const DATABASE_TROUBLE =
  '⚠️ Firewatch could not record that: its database is not answering. Nothing was changed; try again in a moment.';
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
