import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SlackEmulator } from './slack-emulator/index.js';
import { SIGNING_SECRET } from './slack-requests.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** A port free at the time of asking, for an app that must know its own URL before it listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The node arguments of the start script in package.json, so a spawned build runs exactly as `npm start` runs it. */
function startArguments(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = manifest.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`the start script does not run node: ${manifest.scripts.start}`);
  return args;
}

/** Writes a config document (JSON is YAML) where a spawned process can read it. */
export function writeConfigFile(document: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'firewatch-config-')), 'firewatch.yaml');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

/** Firewatch as its own OS process (`src/main.ts` under tsx, or the build), so a test can SIGKILL it. */
export async function spawnApp(
  emu: SlackEmulator,
  database: { url: string | undefined; dataDir: string },
  config: Record<string, unknown>,
  extraEnv: Record<string, string> = {},
  how: { nodeArgs?: string[]; compiled?: boolean } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLACK_BOT_TOKEN: emu.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emu.url,
    PORT: String(port),
    LOG_LEVEL: 'info',
    FIREWATCH_CONFIG: writeConfigFile(config),
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir }),
    ...extraEnv,
  };
  // The compiled build (`npm run build`) with the flags `npm start` gives node; benchmarks measure that.
  const entry = how.compiled ? startArguments() : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...(how.nodeArgs ?? []), ...entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`app not healthy within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
