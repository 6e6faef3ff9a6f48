// Rows the console's insights, follow-up and audit pages read, written straight into the database so a
// test can place them weeks apart and make incidents private or drills without driving Slack.
import type { Db } from '../../src/db/client.js';
import { alertGroups, followups, incidentMembers, incidents } from '../../src/db/schema.js';

export const DAY = 86_400_000;
const MINUTE = 60_000;

export interface SeedIncident {
  title: string;
  severity?: string;
  type?: string | null;
  isPrivate?: boolean;
  drill?: boolean;
  members?: string[];
  /** How long ago it was declared. */
  ageMs?: number;
  ackAfterMin?: number;
  resolveAfterMin?: number;
}

export async function seedIncident(db: Db, seed: SeedIncident, now = Date.now()): Promise<number> {
  const createdAt = new Date(now - (seed.ageMs ?? DAY));
  const after = (minutes: number | undefined) => (minutes === undefined ? null : new Date(createdAt.getTime() + minutes * MINUTE));
  const [row] = await db
    .insert(incidents)
    .values({
      title: seed.title,
      severity: seed.severity ?? 'sev3',
      type: seed.type ?? null,
      status: seed.resolveAfterMin === undefined ? 'investigating' : 'resolved',
      declaredBy: 'U0ALICE',
      isPrivate: seed.isPrivate ?? false,
      drill: seed.drill ?? false,
      createdAt,
      acknowledgedAt: after(seed.ackAfterMin),
      resolvedAt: after(seed.resolveAfterMin),
    })
    .returning({ id: incidents.id });
  const id = row!.id;
  for (const userId of seed.members ?? []) await db.insert(incidentMembers).values({ incidentId: id, userId });
  return id;
}

export async function seedFollowup(
  db: Db,
  incidentId: number,
  seed: { text: string; owner: string; dueInDays?: number; doneBy?: string },
  now = Date.now(),
): Promise<void> {
  await db.insert(followups).values({
    incidentId,
    text: seed.text,
    ownerId: seed.owner,
    createdBy: 'U0ALICE',
    createdAt: new Date(now - DAY),
    dueAt: seed.dueInDays === undefined ? null : new Date(now + seed.dueInDays * DAY),
    doneAt: seed.doneBy ? new Date(now - DAY / 2) : null,
    doneBy: seed.doneBy ?? null,
  });
}

export async function seedAlertGroup(db: Db, integrationId: string, groupKey: string, incidentId: number): Promise<void> {
  await db.insert(alertGroups).values({ integrationId, groupKey, incidentId, open: false });
}
