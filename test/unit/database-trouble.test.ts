import { describe, expect, it } from 'vitest';
import { CommitUnconfirmed } from '../../src/db/client.js';
import {
  CHANGE_UNCONFIRMED,
  DATABASE_TROUBLE,
  databaseNotAnswering,
  databaseTrouble,
  formTrouble,
} from '../../src/slack/database-trouble.js';

describe('the answer to a command that failed on the database', () => {
  it('says nothing was changed when the database refused or never answered', () => {
    expect(databaseTrouble(new Error('connect ECONNREFUSED'))).toBe(DATABASE_TROUBLE);
  });

  it('does not claim nothing was changed when the connection dropped while committing', () => {
    const answer = databaseTrouble(new CommitUnconfirmed({ cause: new Error('CONNECTION_CLOSED') }));
    expect(answer).toBe(CHANGE_UNCONFIRMED);
    expect(answer).not.toContain('Nothing was changed');
  });

  it('says the database is not answering in one wording, on a form as in a message', () => {
    expect(DATABASE_TROUBLE).toBe(`⚠️ ${formTrouble(new Error('connect ECONNREFUSED'))}`);
    expect(databaseNotAnswering({ nothingChanged: false })).not.toContain('Nothing was changed');
  });
});
