// A minimal RFC 6455 WebSocket server connection, for Socket Mode (the `ws` package is not a dependency).
import type { Duplex } from 'node:stream';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WS_MAX_MESSAGE = 16 * 1024 * 1024;

/** One server-side WebSocket: unmasked frames out, masked frames in, ping→pong, close handshake. */
export class WsConnection {
  /** True once either side started closing: no more envelopes go out on it. */
  closing = false;
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private readonly closedListeners: Array<() => void> = [];

  constructor(
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', () => {
      socket.destroy();
    });
    socket.on('close', () => {
      this.closing = true;
      for (const l of this.closedListeners.splice(0)) l();
    });
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  onClosed(listener: () => void): void {
    if (this.socket.destroyed) listener();
    else this.closedListeners.push(listener);
  }

  sendText(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'));
  }

  /** Starts the close handshake; the TCP connection goes after the peer answers or `graceMs`. */
  close(code = 1000, reason = '', graceMs = 1000): void {
    if (!this.closing) {
      this.closing = true;
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(code, 0);
      body.write(reason, 2, 'utf8');
      this.frame(0x8, body);
    }
    setTimeout(() => {
      this.socket.destroy();
    }, graceMs).unref();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  feed(head: Buffer): void {
    if (head.length) this.onData(head);
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.alloc(2) : len < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode; // FIN: the server never fragments
    if (len < 126) head[1] = len;
    else if (len < 65_536) {
      head[1] = 126;
      head.writeUInt16BE(len, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  /** A protocol error from the peer: close with the given status, as RFC 6455 §7.1.7 asks. */
  private fail(code: number, reason: string): void {
    this.buffer = Buffer.alloc(0);
    this.close(code, reason, 100);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const b0 = b[0] ?? 0;
      const b1 = b[1] ?? 0;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(WS_MAX_MESSAGE)) {
          this.fail(1009, 'message too big');
          return;
        }
        len = Number(big);
        offset = 10;
      }
      if ((b0 & 0x70) !== 0) {
        this.fail(1002, 'no extension was negotiated');
        return;
      }
      if (!masked) {
        this.fail(1002, 'client frames must be masked');
        return;
      }
      if (b.length < offset + 4 + len) return;
      const mask = b.subarray(offset, offset + 4);
      const payload = Buffer.from(b.subarray(offset + 4, offset + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.buffer = b.subarray(offset + 4 + len);
      this.onFrame(fin, opcode, payload);
      if (this.socket.destroyed) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0: // continuation
        if (!this.fragmentOpcode) {
          this.fail(1002, 'unexpected continuation frame');
          return;
        }
        this.fragments.push(payload);
        if (fin) this.deliver(this.fragmentOpcode, Buffer.concat(this.fragments.splice(0)));
        return;
      case 0x1:
      case 0x2:
        if (this.fragmentOpcode) {
          this.fail(1002, 'expected a continuation frame');
          return;
        }
        if (fin) this.deliver(opcode, payload);
        else {
          this.fragmentOpcode = opcode;
          this.fragments = [payload];
        }
        return;
      case 0x8: {
        // close: answer with the same status (unless we started it), then hang up
        const wasClosing = this.closing;
        this.closing = true;
        if (!wasClosing) this.frame(0x8, payload.subarray(0, 2));
        this.socket.end();
        return;
      }
      case 0x9: // ping
        this.frame(0xa, payload);
        return;
      case 0xa: // pong
        return;
      default:
        this.fail(1002, `unknown opcode ${opcode}`);
    }
  }

  private deliver(opcode: number, data: Buffer): void {
    this.fragmentOpcode = 0;
    if (opcode === 0x1) this.onText(data.toString('utf8'));
    // Slack ignores binary messages, and so do we.
  }
}
