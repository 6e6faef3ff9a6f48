import { describe, expect, it } from 'vitest';
import { Foreground } from '../../src/outbox/foreground.js';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

describe('waiting for requests people are waiting on', () => {
  it('does not wait when no request is being answered', async () => {
    expect(await settled(new Foreground().quiet(10_000))).toBe(true);
  });

  it('waits until the last of several requests is answered', async () => {
    const foreground = new Foreground();
    const first = foreground.begin();
    const second = foreground.begin();
    const waiting = foreground.quiet(10_000);
    first();
    expect(await settled(waiting)).toBe(false);
    second();
    expect(await settled(waiting)).toBe(true);
    expect(foreground.busy).toBe(false);
  });

  it('counts a request answered twice once', async () => {
    const foreground = new Foreground();
    const first = foreground.begin();
    foreground.begin();
    first();
    first();
    expect(foreground.busy).toBe(true);
  });

  it('stops waiting after the longest wait even while requests keep coming', async () => {
    const foreground = new Foreground();
    foreground.begin();
    const started = Date.now();
    await foreground.quiet(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(foreground.busy).toBe(true);
  });
});
