// A real SMTP server in the test process (the smtp-server package), which parses what it receives
// (mailparser), so tests read the e-mails Firewatch sent as a mailbox would.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  envelopeTo: string[];
  mail: ParsedMail;
  /** The user the client authenticated as, when it did. */
  user: string | undefined;
  /** When the server took the message (Date.now()). */
  at: number;
}

export class SmtpTestServer {
  readonly received: Received[] = [];
  /** The next recipients are answered with these SMTP replies, in order: e.g. 550 (never) or 451 (later). */
  private readonly refusals: Array<{ code: number; message: string }> = [];
  private server: SMTPServer | undefined;
  port = 0;

  constructor(private readonly credentials = { user: 'firewatch', pass: 'hunter2' }) {}

  /** `SMTP_URL` for this server, with its credentials. */
  get url(): string {
    return `smtp://${this.credentials.user}:${this.credentials.pass}@127.0.0.1:${this.port}`;
  }

  refuseNext(code: number, message: string): void {
    this.refusals.push({ code, message });
  }

  /** The next message is kept (the mailbox has it) but answered 451, as a relay that fails after delivering does. */
  keepButFailNext(): void {
    this.keepButFail += 1;
  }

  private keepButFail = 0;

  /** Connections that ended in an error, such as a client reset by its process being killed. */
  readonly connectionErrors: Error[] = [];

  async start(): Promise<this> {
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth: (auth, _session, done) => {
        if (auth.username === this.credentials.user && auth.password === this.credentials.pass) return done(null, { user: auth.username });
        return done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, done) => {
        const refusal = this.refusals.shift();
        if (refusal) return done(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        return done();
      },
      onData: (stream, session, done) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              mail,
              user: session.user as string | undefined,
              at: Date.now(),
            });
            if (this.keepButFail === 0) return done();
            this.keepButFail -= 1;
            done(Object.assign(new Error('Requested action aborted: local error in processing'), { responseCode: 451 }));
          })
          .catch((err: Error) => done(err));
      },
    });
    // A client that vanishes mid-conversation (a Firewatch process killed while it sends) resets its
    // connection; smtp-server reports that as an 'error' event, which unheard would crash the test process.
    this.server.on('error', (err) => this.connectionErrors.push(err));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  to(address: string): Received[] {
    return this.received.filter((r) => r.envelopeTo.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
