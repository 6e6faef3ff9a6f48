// `npm run workflows -- plan --since 30d`: what the config file's workflows (FIREWATCH_CONFIG, as the app
// reads it) would have done over the stored incidents of that period. Reads only; changes nothing.
import { asc, gte, inArray } from 'drizzle-orm';
import { formatPlan, planWorkflows, type PlanIncident } from '../automation/plan.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { openDatabase } from '../db/client.js';
import { incidents, timelineEvents } from '../db/schema.js';
import { incidentKey } from '../incidents/queries.js';
import { factsOf, servicesFromEvents } from './workflow-facts.js';

const USAGE = 'usage: npm run workflows -- plan [--since 30d]';

async function main(args: string[]): Promise<number> {
  if (args[0] !== 'plan') {
    console.error(USAGE);
    return 2;
  }
  const sinceText = args[args.indexOf('--since') + 1] ?? '30d';
  const sinceMs = args.includes('--since') ? parseDuration(sinceText) : 30 * 86_400_000;
  if (sinceMs === null) {
    console.error(`--since: expected a duration such as 7d or 30d; got "${sinceText}"\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env.FIREWATCH_CONFIG);
  const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '.firewatch' });
  try {
    // The schema the app would migrate to; on a database the app already runs on, this does nothing.
    await database.migrate();
    const until = new Date();
    const rows = await database.db
      .select()
      .from(incidents)
      .where(gte(incidents.createdAt, new Date(until.getTime() - sinceMs)));
    const real = rows.filter((i) => !i.drill);
    const events = real.length
      ? await database.db
          .select()
          .from(timelineEvents)
          .where(
            inArray(
              timelineEvents.incidentId,
              real.map((i) => i.id),
            ),
          )
          .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id))
      : [];
    const planned: PlanIncident[] = real.map((incident) => {
      const own = events.filter((e) => e.incidentId === incident.id);
      return {
        key: incidentKey(incident.id),
        facts: factsOf(config, incident, servicesFromEvents(own.filter((e) => e.kind === 'service_added'))),
        endedAt: incident.resolvedAt ?? incident.closedAt,
        events: own,
      };
    });
    const workflows = config.workflows.map((w) => ({ id: w.id, when: w.when, after: w.after, if: w.if, actions: w.do.map((a) => a.kind) }));
    const runs = planWorkflows(
      workflows,
      planned,
      config.severities.map((s) => s.id),
      until,
    );
    console.log(`${real.length} incident(s) since ${sinceText} ago, ${workflows.length} workflow(s):\n`);
    console.log(formatPlan(runs, workflows));
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
