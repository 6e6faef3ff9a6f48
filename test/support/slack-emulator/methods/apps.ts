// apps.connections.open: a single-use Socket Mode WebSocket URL for the app-level token.
import { randomUUID } from 'node:crypto';
import type { Handler } from '../args.js';
import type { Workspace } from '../workspace.js';

export function appsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'apps.connections.open': () => {
      const ticket = randomUUID();
      ws.socketTickets.set(ticket, { issued: Date.now() });
      return { url: `${ws.origin.replace(/^http/, 'ws')}/socket?ticket=${ticket}` };
    },
  };
}
