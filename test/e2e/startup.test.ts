import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeConfigFile } from '../support/process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('starting Firewatch with something missing', () => {
  it('exits naming the missing Slack variables and where to get them', () => {
    const { status, stderr } = start({});
    expect(status).toBe(1);
    expect(stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(stderr).toContain('SLACK_SIGNING_SECRET is not set');
    expect(stderr).toContain('README.md, section "Create the Slack app"');
  });

  it('exits naming the config file, the field and what is allowed', () => {
    const file = writeConfigFile({ severities: [{ id: 'sev1', label: 'Critical', update_every: 'often' }] });
    const { status, stderr } = start({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's', FIREWATCH_CONFIG: file });
    expect(status).toBe(1);
    expect(stderr).toContain(`${file} is not valid:`);
    expect(stderr).toContain('severities[0].update_every: expected a duration');
    expect(stderr).toContain('30s, 5m, 2h, 1d, 1w');
  });
});
