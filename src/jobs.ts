import { sweepHeartbeats } from './alerts/heartbeat-store.js';
import { catchUp, latestDueAt } from './digests/cron-times.js';
import { DIGEST_JOB, lastRunDueAt, runDigest } from './digests/job.js';
import { sweepReminders } from './digests/reminders.js';
import { sweepOverdueFollowups } from './incidents/followups.js';
import { sweepEndedSilences } from './alerts/silence-end.js';
import { sweepDueAttempts } from './paging/attempts.js';
import { runPagingDrill } from './paging/drills.js';
import { watchOnCall } from './paging/oncall-watch.js';
import { announceHandoffs } from './paging/handoff-run.js';
import { sweepDuePages } from './paging/pages.js';
import { sweepExpiredTestPages } from './paging/test-pages.js';
import { DEFAULT_INSIGHT_DAYS, insightsFor, runInsights } from './postmortems/insights-job.js';
import type { Job } from './scheduler.js';
import { insightsMessage } from './slack/blocks/insights.js';
import type { Services } from './slack/services.js';
import { resumeStalledRuns } from './workflow/workflow-runs.js';
import { sweepStartedSilences } from './workflow/silences.js';
import { sweepWorkflows } from './workflow/workflow-sweep.js';
import { userGroupMembers } from './slack/delivery/workflows.js';

/** The top-level config keys the timers below are derived from: a reload that changes one reschedules them. */
export const JOB_CONFIG_KEYS: readonly string[] = ['digest', 'escalation_tick', 'insights', 'paging_drills', 'heartbeats', 'workflows'];

/** Everything Firewatch does on a timer. */
export function firewatchJobs(services: Services, outboxSweep = '* * * * * *'): Job[] {
  const { config } = services;
  const digests = config.digest.channel ? [digestJob(services, config.digest.schedule)] : [];
  // The insights report goes to the digest channel: without one it has nowhere to go.
  const insights = config.insights.schedule && config.digest.channel ? [insightsJob(services, config.insights.schedule)] : [];
  const drills = config.pagingDrills ? [pagingDrillsJob(services, config.pagingDrills.schedule)] : [];
  // Hand-offs and overrides starting or ending: Homes refreshed and user groups synced, once across replicas.
  const oncall = config.schedules.length
    ? [{ name: 'oncall-watch', schedule: config.escalationTick, run: () => watchOnCall(services.db, services.config) }]
    : [];
  // Hand-offs are looked for as often as escalations: a post a few seconds after the hand-off, not a minute.
  const handoffs = config.schedules.length ? [handoffsJob(services)] : [];
  // Missed heartbeats are looked for as often as escalations: a heartbeat's grace can be seconds.
  const heartbeats = config.heartbeats.length
    ? [{ name: 'heartbeat-sweep', schedule: config.escalationTick, run: () => sweepHeartbeats(services.db, services.config) }]
    : [];
  // The *_for workflow triggers are looked for as often as escalations; a stretch runs once across replicas
  // (workflow_runs). The same tick carries on runs whose process died mid-way.
  const workflowDeps = {
    db: services.db,
    config: services.config,
    userGroupMembers: (usergroup: string) => userGroupMembers(services.client, usergroup),
  };
  const workflows = config.workflows.length
    ? [
        {
          name: 'workflow-sweep',
          schedule: config.escalationTick,
          run: async () => {
            await resumeStalledRuns(workflowDeps);
            await sweepWorkflows(workflowDeps);
          },
        },
      ]
    : [];
  return [
    { name: 'outbox-sweep', schedule: outboxSweep, run: () => sweepOutbox(services) },
    { name: 'escalation-sweep', schedule: config.escalationTick, run: () => sweepDue(services) },
    ...digests,
    ...insights,
    ...drills,
    ...oncall,
    ...handoffs,
    ...heartbeats,
    ...workflows,
    // Alerts a silence held that still fire when it ends go on through the pipeline, once across replicas.
    { name: 'silence-ends', schedule: config.escalationTick, run: () => sweepEndedSilences(services.db, services.config) },
    // A silence that begins to hold (scheduled, or a config window) notes the open incidents it matches, once.
    { name: 'silence-starts', schedule: config.escalationTick, run: () => sweepStartedSilences(services.db, services.config) },
  ];
}

/** Retries due deliveries and keeps this process's slow ones leased, so nobody else takes them over. */
async function sweepOutbox({ outbox }: Services): Promise<void> {
  outbox.wake();
  await outbox.renewLeases();
}

/**
 * Escalations, people's later notification rules, test pages whose time ran out, update reminders and
 * overdue follow-ups due since the last tick.
 */
async function sweepDue({ db, config, metrics }: Services): Promise<number> {
  const escalated = await sweepDuePages(db, { onLate: (ms) => metrics.escalationLateness.observe(ms / 1000) });
  const expired = await sweepExpiredTestPages(db);
  return escalated + expired + (await sweepDueAttempts(db)) + (await sweepReminders(db, config)) + (await sweepOverdueFollowups(db));
}

/** Posts each hand-off of the last few minutes once across replicas (paging/handoffs.ts says how far back). */
function handoffsJob({ db, config, logger }: Services): Job {
  return {
    name: 'handoffs',
    schedule: config.escalationTick,
    async run() {
      const announced = await announceHandoffs(db, config);
      if (announced) logger.info({ announced }, 'hand-offs announced');
      return announced;
    },
  };
}

/** Test-pages everyone on call at each due time, once across replicas; missed runs are not caught up (a drill is a drill). */
function pagingDrillsJob({ db, config, logger }: Services, schedule: string): Job {
  return {
    name: 'paging-drills',
    schedule,
    async run() {
      const dueAt = latestDueAt(schedule, new Date());
      const ran = await runPagingDrill(db, config, dueAt);
      if (ran) logger.info({ dueAt }, 'paging drill started');
      return ran;
    },
  };
}

function digestJob({ db, config, logger }: Services, schedule: string): Job {
  const runAt = async (dueAt: Date) => {
    const result = await runDigest(db, config, dueAt);
    logger.info({ dueAt, result }, 'digest');
    return result === 'posted';
  };
  return {
    name: 'digest',
    schedule,
    // The due time from the schedule itself, identical in every process, so one of them claims it.
    run: () => runAt(latestDueAt(schedule, new Date())),
    // A digest missed while every process was down goes out now if it is the latest one; older ones are dropped.
    async catchUp() {
      const missed = catchUp(schedule, await lastRunDueAt(db, DIGEST_JOB), new Date());
      if (missed.skipped.length)
        logger.warn({ skipped: missed.skipped.length, oldest: missed.skipped[0] }, 'digests missed while Firewatch was down were skipped');
      return missed.run ? runAt(missed.run) : false;
    },
  };
}

function insightsJob({ db, config }: Services, schedule: string): Job {
  return {
    name: 'insights',
    schedule,
    run: () =>
      runInsights(db, latestDueAt(schedule, new Date()), async (tx) => ({
        message: insightsMessage(await insightsFor(tx, config, DEFAULT_INSIGHT_DAYS)),
      })),
  };
}
