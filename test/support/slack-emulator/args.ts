// Request arguments as the handlers read them, and the failures they answer with.

export type Json = Record<string, unknown>;
export type Handler = (a: Args) => Json;

// Arguments the SDK sends as JSON strings in form bodies.
const STRUCTURED_ARGS = [
  'blocks',
  'attachments',
  'view',
  'metadata',
  'files',
  'unfurls',
  'user_auth_blocks',
  'document_content',
  'changes',
];

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    readonly extra: Json = {},
  ) {
    super(code);
  }
}
export function fail(code: string, extra?: Json): never {
  throw new ApiFailure(code, extra);
}
export function invalidArguments(messages: string[]): never {
  fail('invalid_arguments', { response_metadata: { messages } });
}

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const nowSec = (): number => Math.floor(Date.now() / 1000);
export const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};
export const textLength = (t: unknown): number => (isObj(t) && typeof t.text === 'string' ? t.text.length : 0);
const toBase64 = (s: string): string => Buffer.from(s).toString('base64');

/** Slack ts "1700000000.000123" as comparable microseconds; NaN when malformed. */
export function tsValue(ts: string): number {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  return m ? Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0')) : Number.NaN;
}

/** Typed access to request arguments, which arrive as strings (form) or JSON values. */
export class Args {
  constructor(readonly raw: Json) {}
  get(k: string): unknown {
    return this.raw[k];
  }
  str(k: string): string | undefined {
    const v = this.raw[k];
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }
  bool(k: string): boolean {
    const v = this.raw[k];
    return v === true || v === 'true' || v === '1' || v === 1;
  }
  int(k: string, fallback: number): number {
    const n = Number(this.str(k) ?? Number.NaN);
    return Number.isFinite(n) ? Math.trunc(n) : fallback;
  }
  list(k: string): string[] {
    const v = this.raw[k];
    const items = Array.isArray(v) ? v.map(String) : (this.str(k) ?? '').split(',');
    return items.map((s) => s.trim()).filter(Boolean);
  }
}

/** Offset cursors, opaque base64 like Slack's. */
export function paginate<T>(items: T[], a: Args, defaultLimit: number, maxLimit: number): { items: T[]; next_cursor: string } {
  let start = 0;
  const cursor = a.str('cursor');
  if (cursor) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!m) fail('invalid_cursor');
    start = Number(m[1]);
  }
  const limit = Math.min(Math.max(a.int('limit', 0) || defaultLimit, 1), maxLimit);
  const end = start + limit;
  return { items: items.slice(start, end), next_cursor: end < items.length ? toBase64(`offset:${end}`) : '' };
}

/** Block Kit checks, reported as Slack's "[ERROR] … [json-pointer:…]" messages. */
export function multipartParts(body: Buffer, contentType: string): Array<{ name: string; filename?: string; data: Buffer }> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const delim = Buffer.from(`--${boundary}`);
  const parts: Array<{ name: string; filename?: string; data: Buffer }> = [];
  let start = body.indexOf(delim);
  while (start !== -1) {
    const next = body.indexOf(delim, start + delim.length);
    if (next === -1) break;
    const part = body.subarray(start + delim.length + 2, next - 2); // drop the CRLFs around each part
    const sep = part.indexOf('\r\n\r\n');
    if (sep !== -1) {
      const head = part.subarray(0, sep).toString('utf8');
      const name = /(?:^|;)\s*name="([^"]*)"/im.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined) parts.push({ name, filename, data: Buffer.from(part.subarray(sep + 4)) });
    }
    start = next;
  }
  return parts;
}

export function parseArgs(contentType: string, body: Buffer, query: URLSearchParams): Json {
  const args: Json = {};
  const ct = contentType.toLowerCase();
  if (ct.startsWith('application/json')) {
    const j = safeJson(body.toString('utf8'));
    if (isObj(j)) Object.assign(args, j);
  } else if (ct.startsWith('multipart/form-data')) {
    for (const p of multipartParts(body, contentType)) if (p.filename === undefined) args[p.name] = p.data.toString('utf8');
  } else {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = v;
  }
  for (const [k, v] of query) if (!Object.hasOwn(args, k)) args[k] = v;
  for (const k of STRUCTURED_ARGS) {
    const v = args[k];
    if (typeof v === 'string') {
      const parsed = safeJson(v);
      if (parsed !== undefined) args[k] = parsed; // unparseable stays a string, which the handlers reject like Slack
    }
  }
  return args;
}

export function collectTexts(node: unknown, out: string[]): void {
  if (Array.isArray(node)) for (const n of node) collectTexts(n, out);
  else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'text' && typeof v === 'string') out.push(v);
      else collectTexts(v, out);
    }
  }
}
