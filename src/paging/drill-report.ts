// What a paging drill found, built from its test pages' receipts: pure, so every case is unit-tested.
import type { AttemptState, PageState } from '../db/schema.js';
import { msg, person, type Message } from '../outcome.js';
import type { ProviderMethod } from './rules.js';

/** One person's test page in a drill, as its receipts tell it. */
export interface DrillResult {
  userId: string;
  /** When the page reached the person (its Slack DM was decided). */
  startedAt: Date;
  state: PageState;
  acknowledgedAt: Date | null;
  /** Why Slack would not deliver the DM, if it would not. */
  slackError: string | null;
  attempts: ReadonlyArray<{ method: ProviderMethod; state: AttemptState; error: string | null }>;
}

export interface DrillReport {
  /** How many people were on call and test-paged. */
  tested: number;
  /** People with no method besides Slack: their rules name none, or none could be used (no address, no provider). */
  onlySlack: string[];
  /** Each method that did not reach its person, with the provider's (or Slack's) error. */
  failed: Array<{ userId: string; method: ProviderMethod | 'slack'; error: string }>;
  /** People who did not acknowledge in time. */
  notAcknowledged: string[];
  /** People who acknowledged, fastest first, and by which method. */
  acknowledged: Array<{ userId: string; afterMs: number; via: ProviderMethod | 'slack' }>;
}

export function buildDrillReport(results: readonly DrillResult[]): DrillReport {
  const report: DrillReport = { tested: results.length, onlySlack: [], failed: [], notAcknowledged: [], acknowledged: [] };
  for (const r of results) {
    // Skipped: no address or no provider for it. A method that failed was there, and is reported as failed.
    if (r.attempts.every((a) => a.state === 'skipped')) report.onlySlack.push(r.userId);
    if (r.slackError) report.failed.push({ userId: r.userId, method: 'slack', error: r.slackError });
    for (const a of r.attempts) {
      // A method skipped for want of an address or a provider is a failure too, unless it was the person's only one.
      const broken = a.state === 'failed' || (a.state === 'skipped' && !report.onlySlack.includes(r.userId));
      if (broken) report.failed.push({ userId: r.userId, method: a.method, error: a.error ?? a.state });
    }
    if (r.state === 'acknowledged' && r.acknowledgedAt) {
      const via = r.attempts.find((a) => a.state === 'acknowledged')?.method ?? 'slack';
      report.acknowledged.push({ userId: r.userId, afterMs: Math.max(0, r.acknowledgedAt.getTime() - r.startedAt.getTime()), via });
    } else report.notAcknowledged.push(r.userId);
  }
  report.acknowledged.sort((a, b) => a.afterMs - b.afterMs || a.userId.localeCompare(b.userId));
  return report;
}

const METHOD_WORDS: Record<ProviderMethod | 'slack', string> = { slack: 'Slack', email: 'e-mail', sms: 'SMS', voice: 'call', push: 'push' };

/** "2m03s": how long someone took. */
export function tookText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const people = (ids: readonly string[]): Message => ids.flatMap((id, i) => (i === 0 ? [person(id)] : [', ', person(id)]));

/** The report as lines of a message, each section only when it has someone in it. */
export function drillReportLines(report: DrillReport, ackWithinMs: number): Message[] {
  if (report.tested === 0) return [msg`🧪 Paging drill: nobody is on call in any schedule, so nobody was test-paged.`];
  const lines: Message[] = [msg`🧪 Paging drill: ${report.tested} on-call ${report.tested === 1 ? 'person' : 'people'} test-paged.`];
  if (report.onlySlack.length) lines.push([...msg`📵 No method besides Slack: `, ...people(report.onlySlack)]);
  for (const f of report.failed) lines.push(msg`❌ ${person(f.userId)}: ${METHOD_WORDS[f.method]} failed: ${f.error}`);
  if (report.notAcknowledged.length)
    lines.push([...msg`⏰ Did not acknowledge within ${tookText(ackWithinMs)} of their last method: `, ...people(report.notAcknowledged)]);
  for (const a of report.acknowledged)
    lines.push(msg`✅ ${person(a.userId)} acknowledged in ${tookText(a.afterMs)} (${METHOD_WORDS[a.via]})`);
  return lines;
}
