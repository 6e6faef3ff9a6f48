import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, type OutboxRow } from '../../src/db/schema.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { supersededBy } from '../../src/outbox/supersede.js';
import { declareIncident } from '../../src/workflow/declare.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
const config = testConfig();

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

async function newIncident(): Promise<number> {
  const declared = await declareIncident(db.database.db, config, {
    title: 'Supersede check',
    severity: 'sev3',
    description: '',
    isPrivate: false,
    declaredBy: 'U0ALICE',
  });
  if (!declared.ok) throw new Error('declare failed');
  return declared.incident.id;
}

/** Queues one effect for the incident and returns its row. */
async function queue(incidentId: number, kind: 'summary.update' | 'channel.topic'): Promise<OutboxRow> {
  await enqueue(db.database.db, [{ kind, payload: { incidentId } }], { incidentId });
  const rows = await db.database.db.select().from(outbox).where(eq(outbox.incidentId, incidentId)).orderBy(outbox.id);
  return rows.at(-1)!;
}

describe('a later summary re-render supersedes an earlier one', () => {
  it('names the next pending re-render of the same incident', async () => {
    const incident = await newIncident();
    const first = await queue(incident, 'summary.update');
    const second = await queue(incident, 'summary.update');
    const third = await queue(incident, 'summary.update');
    expect(await supersededBy(db.database.db, first)).toBe(second.id);
    expect(await supersededBy(db.database.db, second)).toBe(third.id);
    expect(await supersededBy(db.database.db, third)).toBeUndefined();
  });

  it('is not superseded by a re-render that is already done or failed, nor by one of another incident', async () => {
    const incident = await newIncident();
    const other = await newIncident();
    const row = await queue(incident, 'summary.update');
    const done = await queue(incident, 'summary.update');
    const failed = await queue(incident, 'summary.update');
    await db.database.db.update(outbox).set({ status: 'done' }).where(eq(outbox.id, done.id));
    await db.database.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, failed.id));
    await queue(other, 'summary.update');
    expect(await supersededBy(db.database.db, row)).toBeUndefined();
  });

  it('never supersedes effects that are not re-renders: each topic or post is its own', async () => {
    const incident = await newIncident();
    const topic = await queue(incident, 'channel.topic');
    await queue(incident, 'channel.topic');
    await queue(incident, 'summary.update');
    expect(await supersededBy(db.database.db, topic)).toBeUndefined();
  });
});
