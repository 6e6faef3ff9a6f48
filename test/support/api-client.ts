// Calls Firewatch's JSON API over real HTTP, as an integration would.
import { jsonOrUndefined } from './slack-requests.js';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface ApiCall {
  /** The bearer token; null sends no Authorization header. */
  token?: string | null;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export function apiClient(baseUrl: () => string, defaultToken: string) {
  return async (method: 'GET' | 'POST', path: string, call: ApiCall = {}): Promise<ApiAnswer> => {
    const token = call.token === undefined ? defaultToken : call.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
    let body: string | undefined;
    if (call.raw !== undefined || call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = call.raw ?? JSON.stringify(call.body);
    }
    const res = await fetch(`${baseUrl()}${path}`, { method, headers: { ...headers, ...call.headers }, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
  };
}
