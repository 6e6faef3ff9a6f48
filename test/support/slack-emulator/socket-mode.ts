// Socket Mode as Slack serves it: apps.connections.open hands out a ticket URL on the emulator's own port; the
// WebSocket greets with `hello` and carries envelopes the test sends, resolving with the app's ack.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isObj, safeJson, type Json } from './args.js';
import type { SocketAck, SocketEnvelopeOptions, SocketEnvelopeType } from './types.js';
import { WS_GUID, WsConnection } from './websocket.js';
import type { Workspace } from './workspace.js';

/** Slack waits 3 s for an envelope's ack, then shows the person a timeout and drops whatever comes later. */
export const SOCKET_ACK_DEADLINE_MS = 3_000;

export class SocketModeServer {
  private readonly sockets: WsConnection[] = [];
  private readonly pendingAcks = new Map<
    string,
    { resolve: (ack: SocketAck) => void; reject: (e: Error) => void; sentAt: number; timer: NodeJS.Timeout }
  >();
  private readonly startedAt = new Date();
  /** Envelopes Slack stopped waiting for, so that an ack arriving for one is recorded as late. */
  private readonly expired = new Set<string>();
  /** Acks that came after Slack stopped waiting: dropped, as Slack drops them. */
  readonly lateAcks: Array<{ envelope_id: string; payload?: unknown }> = [];

  constructor(private readonly workspace: Workspace) {}

  /** Open Socket Mode connections (those that got `hello` and are not closing). */
  connections(): number {
    return this.openSockets().length;
  }

  /** Resolves once at least one Socket Mode connection is open. */
  async waitForConnection(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (this.connections() === 0) {
      if (Date.now() - started >= timeoutMs) {
        const opens = this.workspace
          .callsOf('apps.connections.open')
          .map((c) => (c.ok ? 'ok' : (c.error ?? c.status)))
          .join(', ');
        throw new Error(`no Socket Mode connection after ${timeoutMs} ms; apps.connections.open calls: ${opens || 'none'}`);
      }
      await sleep(20);
    }
  }

  /**
   * Delivers an envelope to the newest open connection, as Slack does, and resolves with the app's ack
   * (`{ envelope_id, payload }`), or with `timedOut` and no payload when none came within 3 s (a later ack is
   * dropped, and kept in `lateAcks`); rejects when the connection closes first.
   */
  sendEnvelope(type: SocketEnvelopeType, payload: Record<string, unknown>, options: SocketEnvelopeOptions = {}): Promise<SocketAck> {
    const ws = this.openSockets().at(-1);
    if (!ws) return Promise.reject(new Error('no open Socket Mode connection to deliver to'));
    const envelopeId = randomUUID();
    const respondable =
      type === 'slash_commands' || (type === 'interactive' && ['view_submission', 'block_suggestion'].includes(String(payload.type)));
    const envelope: Json = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? respondable,
      // Only Events API deliveries are retried, and only they carry the retry fields.
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryAttempt ? 'timeout' : '' } : {}),
    };
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        this.expired.add(envelopeId);
        resolve({ envelope_id: envelopeId, ackMs: SOCKET_ACK_DEADLINE_MS, timedOut: true });
      }, SOCKET_ACK_DEADLINE_MS);
      this.pendingAcks.set(envelopeId, { resolve, reject, sentAt: performance.now(), timer });
      ws.onClosed(() => {
        const p = this.pendingAcks.get(envelopeId);
        if (!p) return;
        clearTimeout(p.timer);
        this.pendingAcks.delete(envelopeId);
        p.reject(new Error(`the Socket Mode connection closed before envelope ${envelopeId} (${type}) was acked`));
      });
      ws.sendText(JSON.stringify(envelope));
    });
  }

  private openSockets(): WsConnection[] {
    return this.sockets.filter((s) => s.open);
  }

  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string): void => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    socket.on('error', () => {
      socket.destroy();
    });
    const url = new URL(req.url ?? '/', this.workspace.origin);
    if (url.pathname !== '/socket') {
      refuse(404, 'not_found');
      return;
    }
    if (this.workspace.down) {
      refuse(503, 'Service Unavailable');
      return;
    }
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.workspace.socketTickets.delete(ticket)) {
      refuse(401, 'invalid_ticket');
      return;
    } // tickets are single use
    const key = req.headers['sec-websocket-key'];
    if (
      req.headers.upgrade?.toLowerCase() !== 'websocket' ||
      req.headers['sec-websocket-version'] !== '13' ||
      typeof key !== 'string' ||
      !key
    ) {
      refuse(400, 'bad websocket handshake');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    // No Sec-WebSocket-Extensions in the answer: permessage-deflate is declined, so frames stay plain.
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    (socket as Socket).setNoDelay?.(true);
    const ws = new WsConnection(socket, (text) => {
      this.onSocketMessage(text);
    });
    this.sockets.push(ws);
    ws.onClosed(() => {
      const i = this.sockets.indexOf(ws);
      if (i !== -1) this.sockets.splice(i, 1);
    });
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections(),
        debug_info: {
          host: 'emulator',
          started: this.startedAt.toISOString().replace('T', ' ').slice(0, 23),
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: this.workspace.appId },
      }),
    );
    ws.feed(head);
  }

  /** What the app sends on the socket: acks `{ envelope_id, payload }`; anything else is ignored, like Slack. */
  private onSocketMessage(text: string): void {
    const msg = safeJson(text);
    if (!isObj(msg) || typeof msg.envelope_id !== 'string') return;
    const payload = msg.payload !== undefined ? { payload: msg.payload } : {};
    const p = this.pendingAcks.get(msg.envelope_id);
    if (!p) {
      if (this.expired.delete(msg.envelope_id)) this.lateAcks.push({ envelope_id: msg.envelope_id, ...payload });
      return; // a late or duplicate ack
    }
    clearTimeout(p.timer);
    this.pendingAcks.delete(msg.envelope_id);
    p.resolve({ envelope_id: msg.envelope_id, ...payload, ackMs: performance.now() - p.sentAt, timedOut: false });
  }

  /** Fails the envelopes still waiting for an ack and cuts every connection. */
  close(): void {
    for (const [id, p] of this.pendingAcks) {
      clearTimeout(p.timer);
      p.reject(new Error(`Socket Mode envelope ${id} was not acked before the emulator closed`));
    }
    this.pendingAcks.clear();
    // Upgraded sockets are no longer the HTTP server's to close: say goodbye, then cut them.
    for (const ws of this.sockets.splice(0)) {
      ws.close(1001, 'emulator closing', 0);
      ws.destroy();
    }
  }
}
