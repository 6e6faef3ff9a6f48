import { connect, createServer, type Server, type Socket } from 'node:net';
import postgres from 'postgres';

export interface PgProxy {
  /** The database URL through the proxy: give it to the code under test. */
  url: string;
  /**
   * Takes the database away as a restart does: new connections are refused, the backends serving the
   * proxy's connections are terminated (their open transactions roll back, clients get Postgres's
   * "terminating connection due to administrator command"), and every proxied socket is closed.
   */
  down(): Promise<void>;
  /** Accepts connections again, on the same port. */
  up(): Promise<void>;
  /** Stops passing bytes either way without closing anything, as a network partition does. */
  stall(): void;
  /** Passes bytes again after stall(). */
  unstall(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

/** How long the proxy lets a terminated backend's last words reach the client before cutting it off. */
const DRAIN_MS = 1_000;
/** How long terminated backends get to exit before their sockets are closed under them. */
const EXIT_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * A TCP proxy in front of one database of the shared Postgres server, so a test can restart "the
 * database" as the code under test sees it without touching the server other test files use.
 */
export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  const pairs = new Set<Pair>();
  let stalled = false;

  const onConnection = (client: Socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    // A backend's final error message and FIN pass through to the client, as from a real server.
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      upstream.destroy();
      pairs.delete(pair);
    });
    upstream.on('close', () => client.end());
  };

  let server = createServer(onConnection);
  const port = await listen(server, 0);
  let isDown = false;
  const destroyAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    async down() {
      if (isDown) return;
      isDown = true;
      // The listening socket closes at once, so connecting fails with ECONNREFUSED from here on; the
      // callback waits for the connections already accepted.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const byPort = new Map([...pairs].flatMap((p) => (p.upstream.localPort === undefined ? [] : [[p.upstream.localPort, p] as const])));
      let terminated: Pair[] = [];
      if (byPort.size) {
        const serving = () => admin`datname = ${database} and client_port in ${admin([...byPort.keys()])}`;
        const ended = await admin<
          Array<{ port: number }>
        >`select client_port as port, pg_terminate_backend(pid) from pg_stat_activity where ${serving()}`;
        terminated = ended.flatMap((e) => byPort.get(e.port) ?? []);
        // A restart completes once every backend has exited, its transaction rolled back. A backend stuck
        // writing to a socket nobody reads cannot exit: closing the sockets below frees it, as a real
        // stop's fast shutdown would.
        const exitBy = Date.now() + EXIT_MS;
        while ((await admin`select 1 from pg_stat_activity where ${serving()}`).length && Date.now() < exitBy) await sleep(10);
      }
      // The backends' last words reach their clients; then no socket is left open, as after a real stop.
      const deadline = Date.now() + DRAIN_MS;
      while (terminated.some((p) => pairs.has(p)) && Date.now() < deadline) await sleep(10);
      destroyAll();
      await stopped;
    },
    async up() {
      if (!isDown) return;
      server = createServer(onConnection);
      await listen(server, port);
      isDown = false;
    },
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    unstall() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    async close() {
      destroyAll();
      if (!isDown) await new Promise<void>((resolve) => server.close(() => resolve()));
      await admin.end();
    },
  };
}
