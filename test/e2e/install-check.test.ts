// The install self-check: at start Firewatch compares the scopes Slack says its token was granted
// (x-oauth-scopes) with those manifest.yml asks for, and names each missing one with what stops working,
// in a warning and in /healthz, without failing to start or turning unhealthy.
import { describe, expect, it } from 'vitest';
import { MANIFEST_SCOPES, startEmulator, testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { useFirewatch } from '../support/harness.js';
import { startLoggedApp, type LogLine } from '../support/hostile.js';
import { slashCommand } from '../support/slack-requests.js';

const PINS_READ = "pins:read — pinning with Slack's pin does not reach the timeline";
const CHANNELS_JOIN = 'channels:join — Firewatch cannot join public channels it posts in, so it cannot read them back before posting';
const REINSTALL = 'reinstall the app from manifest.yml';

const scopeWarnings = (logs: LogLine[]) => logs.filter((l) => l.level === 40 && typeof l.scope === 'string').map((l) => l.msg);

async function health(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, text: await res.text() };
}

describe('an install lacking pins:read and channels:join', () => {
  const fw = useFirewatch({
    emulator: { scopes: MANIFEST_SCOPES.filter((s) => s !== 'pins:read' && s !== 'channels:join') },
    captureLogs: true,
  });

  it('starts, and warns once per missing scope naming what stops working without it', () => {
    expect(scopeWarnings(fw.logs)).toEqual([
      `Slack did not grant the scope ${CHANNELS_JOIN}; ${REINSTALL}`,
      `Slack did not grant the scope ${PINS_READ}; ${REINSTALL}`,
    ]);
  });

  it('names both in /healthz, which still answers 200 ok', async () => {
    const { status, text } = await health(fw.app.url);
    expect(status).toBe(200);
    expect(text.split('\n')).toEqual([
      'ok',
      `Slack did not grant 2 of the scopes manifest.yml asks for; ${REINSTALL}:`,
      CHANNELS_JOIN,
      PINS_READ,
    ]);
  });

  it('keeps declaring incidents, and warns no more while the grant stays the same', async () => {
    const before = fw.logs.length;
    const { channel } = await fw.declare('Declared on a partial install');
    expect(fw.slack.channel(channel).messages().length).toBeGreaterThan(0);
    expect(scopeWarnings(fw.logs.slice(before))).toEqual([]);
  });

  it('reports none missing once a reinstall grants them, from the next Slack answer', async () => {
    fw.slack.grantScopes(MANIFEST_SCOPES);
    await fw.declare('Declared after the reinstall');
    expect(await health(fw.app.url)).toEqual({ status: 200, text: 'ok' });
  });
});

describe('an install with every scope manifest.yml asks for', () => {
  const fw = useFirewatch({ captureLogs: true });

  it('reports none missing: no warning, and /healthz is a plain ok', async () => {
    expect(scopeWarnings(fw.logs)).toEqual([]);
    expect(await health(fw.app.url)).toEqual({ status: 200, text: 'ok' });
  });
});

describe('Slack unreachable at start', () => {
  it('starts anyway, says the check has not run, and runs it once Slack answers', async () => {
    const database = await createTestDatabase();
    const slack = await startEmulator({ scopes: MANIFEST_SCOPES.filter((s) => s !== 'pins:read') });
    slack.down = true;
    const { app, logs } = await startLoggedApp(slack, database.database, testConfig());
    try {
      expect(await health(app.url)).toEqual({ status: 200, text: 'ok\nSlack scopes: not checked yet, Slack has not answered' });
      slack.down = false;
      // The first request asks Slack who the bot is again; its answer carries the granted scopes.
      await slashCommand(app.url, slack, 'help');
      await slack.waitFor(() => scopeWarnings(logs).length > 0);
      expect(scopeWarnings(logs)).toEqual([`Slack did not grant the scope ${PINS_READ}; ${REINSTALL}`]);
      expect((await health(app.url)).text).toContain(PINS_READ);
    } finally {
      await app.stop();
      await slack.close();
      await database.destroy();
    }
  });
});
