import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_MOVES,
  allowedMoves,
  decideStatusChange,
  endsOrReopens,
  ENDED_STATUSES,
  explainRefusal,
  FINAL_STATUSES,
  isFinal,
  isOpen,
  isOver,
  isResolved,
  isWorking,
  lifecycleTimes,
  OPEN_STATUSES,
  refuseCloseWithoutPostmortem,
  refuseDeclineWithoutReason,
  RESOLVED_STATUSES,
  startsWork,
  takesUpdates,
  WORKING_STATUSES,
  type LifecycleEvent,
  type StatusDecision,
} from '../../src/incidents/lifecycle.js';
import { STATUSES, type Status } from '../../src/incidents/status.js';
import { mrkdwn } from '../../src/slack/outcome.js';

const explained = (...args: Parameters<typeof explainRefusal>) => mrkdwn(explainRefusal(...args).message);

// The lifecycle rule from DESIGN.md ("Status and its allowed moves"), written out literally so the
// tests do not derive their expectations from ALLOWED_MOVES:
//   triage → investigating | declined
//   investigating ↔ identified ↔ monitoring (any order)
//   investigating | identified | monitoring → resolved
//   resolved → closed
//   resolved → investigating (reopen, needs a reason)
//   declined and closed are final.
const WORKING: readonly Status[] = ['investigating', 'identified', 'monitoring'];
const FINAL: readonly Status[] = ['closed', 'declined'];

function ruleMoves(): Set<string> {
  const moves = new Set<string>();
  const allow = (from: Status, to: Status) => moves.add(`${from}>${to}`);
  allow('triage', 'investigating');
  allow('triage', 'declined');
  for (const a of WORKING) for (const b of WORKING) if (a !== b) allow(a, b);
  for (const w of WORKING) allow(w, 'resolved');
  allow('resolved', 'closed');
  allow('resolved', 'investigating');
  return moves;
}
const RULE = ruleMoves();
const ruleAllows = (from: Status, to: Status): boolean => RULE.has(`${from}>${to}`);
const ruleAllowedFrom = (from: Status): Status[] => STATUSES.filter((to) => ruleAllows(from, to));
const sorted = (list: readonly Status[]): Status[] => [...list].sort();

function refused(decision: StatusDecision): Extract<StatusDecision, { ok: false }> {
  if (decision.ok) throw new Error(`expected a refusal, got ok for ${decision.from} → ${decision.to}`);
  return decision;
}

describe('status moves follow the DESIGN lifecycle rule', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      if (from === to) {
        it(`${from} → ${to} is refused as unchanged`, () => {
          const decision = refused(decideStatusChange(from, to, 'a reason'));
          expect(decision.reason).toBe('unchanged');
          expect(decision.from).toBe(from);
          expect(decision.to).toBe(to);
        });
      } else if (ruleAllows(from, to)) {
        it(`${from} → ${to} is allowed`, () => {
          expect(decideStatusChange(from, to, 'a reason')).toEqual({
            ok: true,
            from,
            to,
            reopen: from === 'resolved' && to === 'investigating',
          });
        });
      } else {
        it(`${from} → ${to} is forbidden, naming the moves allowed from ${from}`, () => {
          const decision = refused(decideStatusChange(from, to, 'a reason'));
          expect(decision.reason).toBe('forbidden');
          expect(decision.from).toBe(from);
          expect(decision.to).toBe(to);
          expect(sorted(decision.allowed)).toEqual(sorted(ruleAllowedFrom(from)));
        });
      }
    }
  }

  it('lists exactly the rule’s moves as the allowed moves from every status', () => {
    for (const from of STATUSES) {
      expect(sorted(allowedMoves(from)), from).toEqual(sorted(ruleAllowedFrom(from)));
      expect(sorted(ALLOWED_MOVES[from]), from).toEqual(sorted(ruleAllowedFrom(from)));
    }
  });
});

describe('reopening needs a reason; no other move does', () => {
  it.each([undefined, '', '   ', '\t\n'])('refuses resolved → investigating with reason %j as reason_required', (reason) => {
    const decision = refused(decideStatusChange('resolved', 'investigating', reason));
    expect(decision.reason).toBe('reason_required');
    expect(decision.from).toBe('resolved');
    expect(decision.to).toBe('investigating');
  });

  it('allows resolved → investigating with a reason, marked as a reopen', () => {
    expect(decideStatusChange('resolved', 'investigating', 'error rate is back')).toEqual({
      ok: true,
      from: 'resolved',
      to: 'investigating',
      reopen: true,
    });
  });

  it('allows a reopen for any reason with visible text, and refuses whitespace-only reasons', () => {
    fc.assert(
      fc.property(fc.string(), (reason) => {
        const decision = decideStatusChange('resolved', 'investigating', reason);
        if (reason.trim()) expect(decision).toEqual({ ok: true, from: 'resolved', to: 'investigating', reopen: true });
        else expect(decision).toMatchObject({ ok: false, reason: 'reason_required' });
      }),
    );
  });

  it('allows every other allowed move without a reason, not as a reopen', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (!ruleAllows(from, to) || (from === 'resolved' && to === 'investigating')) continue;
        expect(decideStatusChange(from, to, undefined), `${from} → ${to}`).toEqual({ ok: true, from, to, reopen: false });
        expect(decideStatusChange(from, to, ''), `${from} → ${to}`).toEqual({ ok: true, from, to, reopen: false });
      }
    }
  });
});

describe('final statuses and refusal texts', () => {
  it.each(FINAL)('%s is final: no move out of it is ever allowed', (from) => {
    expect(allowedMoves(from)).toEqual([]);
    for (const to of STATUSES) {
      for (const reason of [undefined, '', 'a reason']) {
        expect(decideStatusChange(from, to, reason).ok, `${from} → ${to} (${String(reason)})`).toBe(false);
      }
    }
  });

  it('explains a forbidden move by naming the current status and the allowed moves', () => {
    const decision = refused(decideStatusChange('investigating', 'closed', undefined));
    expect(explained(decision, 'INC-3')).toBe(
      'INC-3 is investigating and cannot move to closed. Moves allowed from investigating: `identified`, `monitoring`, `resolved`.',
    );
  });

  it('names the current status, the target and every allowed move in each forbidden-move text', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (from === to || ruleAllows(from, to)) continue;
        const text = explained(refused(decideStatusChange(from, to, 'a reason')), 'INC-7');
        expect(text).toContain(`INC-7 is ${from} and cannot move to ${to}.`);
        expect(text).toContain(`Moves allowed from ${from}:`);
        for (const move of ruleAllowedFrom(from)) expect(text).toContain(`\`${move}\``);
      }
    }
  });

  it.each(FINAL)('says a move out of %s is impossible because it is final', (from) => {
    const text = explained(refused(decideStatusChange(from, 'investigating', 'a reason')), 'INC-9');
    expect(text).toContain(`INC-9 is ${from}`);
    expect(text).toContain('none: it is final');
  });

  it('says the incident is already in the requested status', () => {
    const text = explained(refused(decideStatusChange('monitoring', 'monitoring', undefined)), 'INC-4');
    expect(text).toContain('INC-4');
    expect(text).toContain('already');
    expect(text).toContain('monitoring');
  });

  it('tells how to reopen with a reason, giving the command form', () => {
    const text = explained(refused(decideStatusChange('resolved', 'investigating', '  ')), 'INC-5');
    expect(text).toContain('INC-5');
    expect(text).toContain('/incident status investigating');
  });
});

/** Every status reachable from `from` by allowed moves, `from` included. */
function reachable(from: Status): Set<Status> {
  const seen = new Set<Status>([from]);
  const queue = [from];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const to of allowedMoves(next)) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return seen;
}

describe('the status sets agree with the allowed moves', () => {
  it('names as final exactly the statuses no move leaves', () => {
    expect(sorted(FINAL_STATUSES)).toEqual(sorted(FINAL));
    expect(sorted(STATUSES.filter((s) => allowedMoves(s).length === 0))).toEqual(sorted(FINAL_STATUSES));
  });

  it('splits every status into open or ended, never both', () => {
    for (const status of STATUSES) expect(isOpen(status), status).toBe(!isOver(status));
    expect(sorted([...OPEN_STATUSES, ...ENDED_STATUSES])).toEqual(sorted(STATUSES));
  });

  it('lets every open status reach resolved, so no open incident is stuck; triage only once accepted', () => {
    for (const status of OPEN_STATUSES) expect(reachable(status).has('resolved'), status).toBe(true);
    expect(allowedMoves('triage')).not.toContain('resolved');
  });

  it('counts as working exactly the open statuses that can move straight to resolved', () => {
    expect(sorted(WORKING_STATUSES)).toEqual(sorted(WORKING));
    expect(sorted(OPEN_STATUSES.filter((s) => allowedMoves(s).includes('resolved')))).toEqual(sorted(WORKING_STATUSES));
    expect(isWorking('triage')).toBe(false);
  });

  it('counts as resolved the resolved status and where it goes without a reopen, never a declined incident', () => {
    expect(sorted(RESOLVED_STATUSES)).toEqual(sorted(['resolved', ...allowedMoves('resolved').filter(isOver)]));
    expect(isResolved('declined')).toBe(false);
    for (const status of RESOLVED_STATUSES) expect(isOver(status), status).toBe(true);
  });

  it('takes updates on every status but a final one, a resolved incident included', () => {
    for (const status of STATUSES) expect(takesUpdates(status), status).toBe(!isFinal(status));
    expect(takesUpdates('resolved')).toBe(true);
  });

  it('answers each predicate from its set', () => {
    const sets: Array<[(s: Status) => boolean, readonly Status[]]> = [
      [isFinal, FINAL_STATUSES],
      [isOpen, OPEN_STATUSES],
      [isWorking, WORKING_STATUSES],
      [isOver, ENDED_STATUSES],
      [isResolved, RESOLVED_STATUSES],
    ];
    for (const [predicate, set] of sets) for (const status of STATUSES) expect(predicate(status), status).toBe(set.includes(status));
  });
});

describe('what an allowed move sets off', () => {
  const moves = STATUSES.flatMap((from) => allowedMoves(from).map((to) => ({ from, to })));

  it('starts work (and reminders) only on accepting a triaged incident or reopening a resolved one', () => {
    const starting = moves.filter(({ from, to }) => startsWork(from, to)).map(({ from, to }) => `${from}>${to}`);
    expect(starting.sort()).toEqual(['resolved>investigating', 'triage>investigating']);
  });

  it('tells stakeholders of resolving, declining and reopening, not of closing or moves between working statuses', () => {
    const told = moves.filter(({ from, to }) => endsOrReopens(from, to)).map(({ from, to }) => `${from}>${to}`);
    expect(told.sort()).toEqual(['triage>declined', 'resolved>investigating', ...WORKING.map((w) => `${w}>resolved`)].sort());
  });
});

describe('a move chosen on a stale form or button', () => {
  it('is refused as stale, naming the current status and its moves, before any other check', () => {
    const decision = refused(decideStatusChange('investigating', 'investigating', undefined, 'triage'));
    expect(decision.reason).toBe('stale');
    expect(sorted(decision.allowed)).toEqual(sorted(ruleAllowedFrom('investigating')));
    expect(explained(decision, 'INC-8')).toBe(
      'INC-8 is now investigating: someone changed it meanwhile. Moves allowed from investigating: identified, monitoring, resolved.',
    );
  });

  it('says a status that went final has no moves left', () => {
    const text = explained(refused(decideStatusChange('declined', 'investigating', undefined, 'triage')), 'INC-2');
    expect(text).toBe('INC-2 is now declined: someone changed it meanwhile. Moves allowed from declined: none: it is final.');
  });

  it('is decided as if no status was seen when the one seen is still current', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        for (const reason of [undefined, 'a reason']) {
          expect(decideStatusChange(from, to, reason, from)).toEqual(decideStatusChange(from, to, reason));
        }
      }
    }
  });

  it('is refused whenever the status seen differs from the current one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (seen, from, to) => {
        fc.pre(seen !== from);
        expect(decideStatusChange(from, to, 'a reason', seen)).toMatchObject({ ok: false, reason: 'stale', from, to });
      }),
    );
  });
});

describe('declining needs a reason', () => {
  it.each([undefined, '', '   ', '\n'])('refuses a decline with reason %j', (reason) => {
    expect(refuseDeclineWithoutReason('declined', reason)).toEqual({
      ok: false,
      code: 'reason_required',
      field: 'reason',
      message: ['Declining needs a reason: say why this is not an incident.'],
    });
  });

  it('lets a decline with a reason, and every other move, through to the lifecycle', () => {
    expect(refuseDeclineWithoutReason('declined', 'a test alert, not an incident')).toBeUndefined();
    for (const to of STATUSES.filter((s) => s !== 'declined')) expect(refuseDeclineWithoutReason(to, undefined), to).toBeUndefined();
  });
});

describe('closing waits for a required postmortem', () => {
  const resolved = { status: 'resolved' as const, severity: 'sev1' };

  it('refuses to close a resolved incident whose severity requires a postmortem not yet written, and offers one', () => {
    const refusal = refuseCloseWithoutPostmortem(resolved, 'closed', { required: true, written: false }, 'INC-6');
    expect(refusal).toMatchObject({ ok: false, code: 'postmortem_required' });
    expect(mrkdwn(refusal!.message)).toBe(
      'INC-6 is SEV1, which needs a postmortem before it can close. Write what only people know with the button, then run `/incident postmortem`.',
    );
  });

  it('lets the close through once the postmortem is written, or when the severity requires none', () => {
    expect(refuseCloseWithoutPostmortem(resolved, 'closed', { required: true, written: true }, 'INC-6')).toBeUndefined();
    expect(refuseCloseWithoutPostmortem(resolved, 'closed', { required: false, written: false }, 'INC-6')).toBeUndefined();
  });

  it('leaves every other move, and closing from any other status, to the allowed moves', () => {
    const missing = { required: true, written: false };
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (from === 'resolved' && to === 'closed') continue;
        expect(refuseCloseWithoutPostmortem({ status: from, severity: 'sev1' }, to, missing, 'INC-6'), `${from} → ${to}`).toBeUndefined();
      }
    }
  });
});

const BASE = new Date('2024-05-01T10:00:00.000Z');
const at = (minutes: number): Date => new Date(BASE.getTime() + minutes * 60_000);
const moved = (minutes: number, from: Status, to: Status): LifecycleEvent => ({
  kind: 'status_changed',
  occurredAt: at(minutes),
  data: { from, to },
});
const other = (minutes: number, kind: string): LifecycleEvent => ({ kind, occurredAt: at(minutes), data: {} });

describe('lifecycle times derived from the timeline', () => {
  it('acknowledges at a page acknowledgement when it comes first', () => {
    const events = [
      other(0, 'declared'),
      other(3, 'page_acknowledged'),
      other(5, 'status_update'),
      moved(8, 'investigating', 'identified'),
    ];
    expect(lifecycleTimes(events, 'identified').acknowledgedAt).toEqual(at(3));
  });

  it('acknowledges at a status update when it comes first', () => {
    const events = [other(0, 'declared'), other(2, 'status_update'), other(4, 'page_acknowledged')];
    expect(lifecycleTimes(events, 'investigating').acknowledgedAt).toEqual(at(2));
  });

  it('acknowledges at the move off triage when it comes first', () => {
    const events = [moved(1, 'triage', 'investigating'), other(6, 'status_update'), other(7, 'page_acknowledged')];
    expect(lifecycleTimes(events, 'investigating').acknowledgedAt).toEqual(at(1));
  });

  it('counts declining a triaged alert as acknowledging it', () => {
    expect(lifecycleTimes([moved(4, 'triage', 'declined')], 'declined').acknowledgedAt).toEqual(at(4));
  });

  it('has no acknowledgement for a declared incident that only moved investigating → identified', () => {
    const events = [other(0, 'declared'), moved(5, 'investigating', 'identified'), other(6, 'note')];
    expect(lifecycleTimes(events, 'identified')).toEqual({ acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, closedAt: null });
  });

  it('mitigates at the first move to monitoring, even after leaving and re-entering monitoring', () => {
    const events = [
      moved(1, 'investigating', 'monitoring'),
      moved(2, 'monitoring', 'investigating'),
      moved(3, 'investigating', 'monitoring'),
      moved(4, 'monitoring', 'identified'),
      moved(5, 'identified', 'monitoring'),
    ];
    expect(lifecycleTimes(events, 'monitoring').mitigatedAt).toEqual(at(1));
  });

  it('keeps the first mitigation across a reopen', () => {
    const events = [
      moved(1, 'investigating', 'monitoring'),
      moved(2, 'monitoring', 'resolved'),
      moved(3, 'resolved', 'investigating'),
      moved(4, 'investigating', 'monitoring'),
    ];
    expect(lifecycleTimes(events, 'monitoring').mitigatedAt).toEqual(at(1));
  });

  it('resolves at the last move to resolved while resolved', () => {
    const events = [
      moved(1, 'investigating', 'resolved'),
      moved(2, 'resolved', 'investigating'),
      moved(3, 'investigating', 'monitoring'),
      moved(4, 'monitoring', 'resolved'),
    ];
    expect(lifecycleTimes(events, 'resolved')).toEqual({ acknowledgedAt: null, mitigatedAt: at(3), resolvedAt: at(4), closedAt: null });
  });

  it('keeps the last resolve time once closed, and sets closedAt', () => {
    const events = [
      moved(1, 'identified', 'resolved'),
      moved(2, 'resolved', 'investigating'),
      moved(3, 'investigating', 'resolved'),
      moved(9, 'resolved', 'closed'),
    ];
    expect(lifecycleTimes(events, 'closed')).toMatchObject({ resolvedAt: at(3), closedAt: at(9) });
  });

  it('has no resolve time after a reopen', () => {
    const events = [moved(1, 'investigating', 'resolved'), moved(2, 'resolved', 'investigating')];
    expect(lifecycleTimes(events, 'investigating')).toMatchObject({ resolvedAt: null, closedAt: null });
  });

  it('has a close time only when the status is closed', () => {
    const events = [moved(1, 'investigating', 'resolved'), moved(2, 'resolved', 'closed')];
    expect(lifecycleTimes(events, 'closed').closedAt).toEqual(at(2));
    expect(lifecycleTimes(events, 'resolved').closedAt).toBeNull();
  });

  it('gives the same times for events given out of order', () => {
    const events = [
      moved(1, 'triage', 'investigating'),
      moved(2, 'investigating', 'monitoring'),
      moved(3, 'monitoring', 'resolved'),
      moved(4, 'resolved', 'investigating'),
      moved(5, 'investigating', 'monitoring'),
      moved(6, 'monitoring', 'resolved'),
      moved(7, 'resolved', 'closed'),
      other(0.5, 'page_acknowledged'),
    ];
    const expected = { acknowledgedAt: at(0.5), mitigatedAt: at(2), resolvedAt: at(6), closedAt: at(7) };
    expect(lifecycleTimes(events, 'closed')).toEqual(expected);
    expect(lifecycleTimes([...events].reverse(), 'closed')).toEqual(expected);
    const shuffled = [5, 0, 7, 3, 6, 1, 4, 2].map((i) => events[i]).filter((e): e is LifecycleEvent => e !== undefined);
    expect(shuffled).toHaveLength(events.length);
    expect(lifecycleTimes(shuffled, 'closed')).toEqual(expected);
  });
});

type Extra = 'none' | 'status_update' | 'page_acknowledged' | 'note';
interface Step {
  target: Status;
  reason: string | undefined;
  gapMinutes: number;
  extra: Extra;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  target: fc.constantFrom(...STATUSES),
  reason: fc.oneof(fc.constant(undefined), fc.constantFrom('', '   ', 'back again'), fc.string()),
  gapMinutes: fc.integer({ min: 0, max: 10 }),
  extra: fc.constantFrom<Extra>('none', 'none', 'status_update', 'page_acknowledged', 'note'),
});

describe('random walks through the lifecycle', () => {
  it('only ever make rule moves, never leave a final status, and derive consistent lifecycle times', () => {
    fc.assert(
      fc.property(fc.constantFrom<Status>('investigating', 'triage'), fc.array(stepArb, { maxLength: 40 }), (start, steps) => {
        let status: Status = start;
        let minutes = 0;
        const events: LifecycleEvent[] = [];
        const applied: { from: Status; to: Status; occurredAt: Date }[] = [];
        const finalsEntered: Status[] = [];

        for (const step of steps) {
          minutes += step.gapMinutes;
          const occurredAt = at(minutes);
          const wasFinal = FINAL.includes(status);
          const decision = decideStatusChange(status, step.target, step.reason);

          if (wasFinal) {
            expect(decision.ok).toBe(false);
            for (const to of STATUSES) expect(decideStatusChange(status, to, 'a reason').ok).toBe(false);
          }

          if (decision.ok) {
            expect(decision.from).toBe(status);
            expect(decision.to).toBe(step.target);
            expect(ALLOWED_MOVES[status]).toContain(step.target);
            expect(ruleAllows(status, step.target)).toBe(true);
            expect(decision.reopen).toBe(status === 'resolved' && step.target === 'investigating');
            events.push({ kind: 'status_changed', occurredAt, data: { from: status, to: step.target } });
            applied.push({ from: status, to: step.target, occurredAt });
            status = step.target;
            if (FINAL.includes(status)) finalsEntered.push(status);
          } else {
            expect(decision.reason).toBe(
              status === step.target ? 'unchanged' : ruleAllows(status, step.target) ? 'reason_required' : 'forbidden',
            );
          }

          expect(STATUSES).toContain(status);
          if (wasFinal) expect(FINAL).toContain(status);
          if (step.extra !== 'none') events.push({ kind: step.extra, occurredAt, data: {} });
        }

        // At most one final status is entered, and once entered it is the status from then on.
        expect(finalsEntered.length).toBeLessThanOrEqual(1);
        if (finalsEntered.length === 1) expect(status).toBe(finalsEntered[0]);

        const times = lifecycleTimes(events, status);
        const eventTimes = new Set(events.map((e) => e.occurredAt.getTime()));
        for (const value of Object.values(times)) {
          if (value) expect(eventTimes.has(value.getTime())).toBe(true);
        }

        expect(times.resolvedAt !== null).toBe(status === 'resolved' || status === 'closed');
        expect(times.closedAt !== null).toBe(status === 'closed');
        if (times.resolvedAt && times.closedAt) expect(times.resolvedAt.getTime()).toBeLessThanOrEqual(times.closedAt.getTime());

        // mitigatedAt ≤ resolvedAt when the incident passed through monitoring before its last resolve.
        const lastResolve = applied.findLastIndex((m) => m.to === 'resolved');
        const monitoredBefore = applied.slice(0, Math.max(lastResolve, 0)).some((m) => m.to === 'monitoring');
        if (times.mitigatedAt && times.resolvedAt && monitoredBefore) {
          expect(times.mitigatedAt.getTime()).toBeLessThanOrEqual(times.resolvedAt.getTime());
        }

        // The times match what the walk did.
        const firstMonitoring = applied.find((m) => m.to === 'monitoring');
        expect(times.mitigatedAt).toEqual(firstMonitoring ? firstMonitoring.occurredAt : null);
        if (times.resolvedAt) expect(times.resolvedAt).toEqual(applied[lastResolve]?.occurredAt);
        if (times.closedAt) expect(times.closedAt).toEqual(applied.find((m) => m.to === 'closed')?.occurredAt);
        const acks = events.filter(
          (e) => e.kind === 'page_acknowledged' || e.kind === 'status_update' || (e.kind === 'status_changed' && e.data.from === 'triage'),
        );
        expect(times.acknowledgedAt).toEqual(acks[0]?.occurredAt ?? null);

        // Order of the events given does not matter.
        expect(lifecycleTimes([...events].reverse(), status)).toEqual(times);
      }),
      { numRuns: 300 },
    );
  });
});
