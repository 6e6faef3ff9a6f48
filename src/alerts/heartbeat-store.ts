// Beats and the missed-heartbeat sweep. Each heartbeat's row is locked while its alert is ingested, in the
// same transaction, so a beat and a sweep (on any replica) take turns and the alert opens once per miss.
import { eq } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { heartbeatsState } from '../db/schema.js';
import { beatBatch, heartbeatIntegration, isMissed, missedBatch, type Heartbeat } from './heartbeats.js';
import { ingestAlerts, type IngestResult } from './ingest.js';

/** Records a beat; after a miss, the heartbeat's alert resolves (its ingest result, else null). */
export async function recordBeat(db: Db, config: Config, heartbeat: Heartbeat, at = new Date()): Promise<IngestResult | null> {
  return db.transaction(async (tx) => {
    await tx.insert(heartbeatsState).values({ id: heartbeat.id, firstSeenAt: at }).onConflictDoNothing();
    const [row] = await tx.select().from(heartbeatsState).where(eq(heartbeatsState.id, heartbeat.id)).for('update');
    await tx
      .update(heartbeatsState)
      .set({ lastBeatAt: at, missedSince: null, alertOpen: false })
      .where(eq(heartbeatsState.id, heartbeat.id));
    if (!row?.alertOpen) return null;
    return ingestAlerts(tx, config, heartbeatIntegration(heartbeat), beatBatch(heartbeat, at));
  });
}

/**
 * Opens an alert for every configured heartbeat missed by interval + grace that has none open yet. A
 * heartbeat first seen here starts counting now. Returns how many alerts it opened or changed.
 */
export async function sweepHeartbeats(db: Db, config: Config, now = new Date()): Promise<number> {
  if (config.heartbeats.length === 0) return 0;
  await db
    .insert(heartbeatsState)
    .values(config.heartbeats.map((hb) => ({ id: hb.id, firstSeenAt: now })))
    .onConflictDoNothing();
  const states = new Map((await db.select().from(heartbeatsState)).map((row) => [row.id, row]));
  const candidates = config.heartbeats.filter((hb) => {
    const state = states.get(hb.id);
    return state && !state.alertOpen && isMissed(hb, state, now);
  });
  let changed = 0;
  for (const heartbeat of candidates) {
    changed += await db.transaction(async (tx) => {
      // SKIP LOCKED: a beat or another replica's sweep holds it, and decides for it.
      const [row] = await tx.select().from(heartbeatsState).where(eq(heartbeatsState.id, heartbeat.id)).for('update', { skipLocked: true });
      if (!row || row.alertOpen || !isMissed(heartbeat, row, now)) return 0;
      const result = await ingestAlerts(tx, config, heartbeatIntegration(heartbeat), missedBatch(heartbeat, row));
      await tx.update(heartbeatsState).set({ missedSince: now, alertOpen: true }).where(eq(heartbeatsState.id, heartbeat.id));
      return result.changed;
    });
  }
  return changed;
}
