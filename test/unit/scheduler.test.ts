import { getTasks } from 'node-cron';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { startJobs, tick, type Job } from '../../src/scheduler.js';

function context() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, wake: vi.fn(), logger };
}

/** Names of the node-cron tasks still scheduled in this process. */
function scheduled(): (string | undefined)[] {
  return [...getTasks().values()].map((task) => task.name);
}

function job(run: Job['run'], extra: Partial<Job> = {}): Job {
  return { name: 'test-job', schedule: '* * * * * *', run, ...extra };
}

describe('one tick of a job', () => {
  it('logs a failure with the job name and tries again on the next tick', async () => {
    const ctx = context();
    const run = vi.fn().mockRejectedValueOnce(new Error('database went away')).mockResolvedValueOnce(1);
    const onTick = tick(job(run, { name: 'escalation-sweep' }), ctx);

    await expect(onTick()).resolves.toBeUndefined();
    expect(ctx.lines).toEqual([
      expect.objectContaining({
        job: 'escalation-sweep',
        msg: 'escalation-sweep failed; the next tick tries again',
        err: expect.anything(),
      }),
    ]);
    expect(ctx.wake).not.toHaveBeenCalled();

    await onTick();
    expect(run).toHaveBeenCalledTimes(2);
    expect(ctx.wake).toHaveBeenCalledTimes(1);
    expect(ctx.lines).toHaveLength(1);
  });

  it.each([
    [3, true],
    [true, true],
    [0, false],
    [false, false],
    [undefined, false],
  ])('after a run that reports %s, wakes the outbox: %s', async (work, wakes) => {
    const ctx = context();
    await tick(
      job(async () => work),
      ctx,
    )();
    expect(ctx.wake).toHaveBeenCalledTimes(wakes ? 1 : 0);
  });
});

describe('startJobs', () => {
  it('runs the catch-up before the first tick and wakes the outbox when it made work', async () => {
    const ctx = context();
    const order: string[] = [];
    const jobs = await startJobs(
      [
        job(async () => void order.push('tick'), {
          catchUp: async () => {
            order.push('catch-up');
            return true;
          },
        }),
      ],
      ctx,
    );
    try {
      expect(order).toEqual(['catch-up']);
      expect(ctx.wake).toHaveBeenCalledTimes(1);
    } finally {
      await jobs.stop();
    }
  });

  it('fails start-up when a catch-up fails, with nothing left scheduled', async () => {
    const ctx = context();
    const run = vi.fn();
    await expect(
      startJobs([job(run), job(run, { name: 'digest', catchUp: () => Promise.reject(new Error('no database')) })], ctx),
    ).rejects.toThrow('no database');
    expect(scheduled()).toEqual([]);
    expect(run).not.toHaveBeenCalled();
  });

  it('keeps ticking every job while one of them keeps failing', async () => {
    const ctx = context();
    const failing = vi.fn(() => Promise.reject(new Error('boom')));
    const working = vi.fn(async () => 1);
    const jobs = await startJobs([job(failing, { name: 'failing' }), job(working, { name: 'working' })], ctx);
    try {
      expect(scheduled()).toEqual(['failing', 'working']);
      await vi.waitFor(
        () => {
          expect(failing.mock.calls.length).toBeGreaterThanOrEqual(2);
          expect(working.mock.calls.length).toBeGreaterThanOrEqual(2);
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(ctx.wake).toHaveBeenCalled();
      expect(ctx.lines.every((line) => line.job === 'failing')).toBe(true);
    } finally {
      await jobs.stop();
    }
    expect(scheduled()).toEqual([]);
  });
});
