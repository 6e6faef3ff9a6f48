/**
 * The status page's rendered documents, kept per process while what they are made of stays the same: a
 * page read a thousand times a second in an outage is then one small aggregate query and a lookup, not a
 * full read and render. Each request still asks the database for the version (sharing a query already
 * on its way), so every replica serves a publication as soon as it is committed.
 */
import { createHash } from 'node:crypto';

export interface Rendered {
  /** Encoded once, so a request only writes bytes. */
  body: Buffer;
  etag: string;
}

/** Documents of older versions are dropped whole; a version holds a few documents per component. */
const MAX_DOCUMENTS = 500;

export class RenderedCache {
  private version: string | undefined;
  private readonly documents = new Map<string, Rendered>();
  private inFlight: Promise<string> | undefined;

  constructor(private readonly readVersion: () => Promise<string>) {}

  /** The current version; concurrent callers share one query. */
  current(): Promise<string> {
    this.inFlight ??= this.readVersion().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** The document `key` of `version`, rendered now if this process has not yet rendered it. */
  async get(version: string, key: string, render: () => Promise<string>): Promise<Rendered> {
    if (version !== this.version) {
      this.version = version;
      this.documents.clear();
    }
    const held = this.documents.get(key);
    if (held) return held;
    const body = Buffer.from(await render(), 'utf8');
    const rendered = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    // A newer version may have arrived while rendering: keep this one only if it is still current.
    if (this.version === version) {
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.clear();
      this.documents.set(key, rendered);
    }
    return rendered;
  }
}
