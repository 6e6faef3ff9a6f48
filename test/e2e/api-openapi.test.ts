// The OpenAPI document against the running app: every documented operation is called over HTTP with valid
// input and must answer its documented success status with a body the documented schema accepts (checked
// by Ajv, a JSON Schema 2020-12 validator independent of zod); every documented error status is provoked
// and must answer the ApiError shape. An operation the walk has no request for fails the test.
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiCall } from '../support/api-client.js';
import { cookieHeader, visitAs } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';

const TOKEN = 'api-token-for-the-openapi-walk-0123456789';
const fw = useFirewatch({ config: { api_token: TOKEN }, console: true });
const api = apiClient(() => fw.app.url, TOKEN);

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema: object }>;
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

let doc: Doc;
let sessionCookie = '';
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its plugin is the module's `default`.
formats.default(ajv);

/** Validates against a schema of the document, its $refs resolved within the document. */
function validate(schema: object, value: unknown): string | undefined {
  const check = ajv.compile({ ...schema, $defs: undefined, components: doc.components });
  return check(value) ? undefined : ajv.errorsText(check.errors);
}

// A valid request for each documented operation; `{id}` is filled with a fresh public incident.
const valid: Record<string, (id: string) => ApiCall & { query?: string }> = {
  openApiDocument: () => ({ token: null }),
  listIncidents: () => ({ query: '?limit=5&status=investigating,identified&severity=sev3&q=walk&include_drills=false' }),
  declareIncident: () => ({
    body: { title: 'Declared by the OpenAPI walk', severity: 'sev3', type: 'other', description: 'walk', lead: 'U0ALICE' },
  }),
  getIncident: () => ({}),
  getTimeline: () => ({ query: '?limit=10' }),
  postUpdate: () => ({
    body: { message: 'The walk posts an update', status: 'identified', severity: 'sev3', expected_status: 'investigating' },
  }),
};

// How to provoke each documented error, given the operation.
const provoke: Record<string, (op: Operation) => { id?: string; call: ApiCall & { query?: string } }> = {
  400: (op) => (op.requestBody ? { call: { body: { unexpected: true } } } : { call: { query: '?limit=1000' } }),
  401: () => ({ call: { token: 'not-the-token', body: {} } }),
  // A console session's change without the CSRF header: what another site's script could send.
  403: () => ({ call: { token: null, body: { title: 'x', message: 'x' }, headers: { cookie: sessionCookie } } }),
  404: () => ({ id: 'INC-999999', call: { body: { title: 'x', message: 'x' } } }),
  409: () => ({ call: { body: { message: 'Cannot close with an update', status: 'closed' } } }),
  413: () => ({ call: { raw: JSON.stringify({ title: 'x'.repeat(80_000) }) } }),
  415: () => ({ call: { raw: '{}', headers: { 'content-type': 'text/plain' } } }),
};

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase() as 'GET' | 'POST', op })),
  );

async function freshIncident(): Promise<string> {
  const r = await api('POST', '/api/v1/incidents', { body: { title: 'Target of the OpenAPI walk', severity: 'sev3' } });
  expect(r.status, r.text).toBe(201);
  return (r.json as { id: string }).id;
}

beforeAll(async () => {
  sessionCookie = cookieHeader((await visitAs(fw.slack, fw.app.url, 'U0ALICE')).cookies);
  const r = await fetch(`${fw.app.url}/api/v1/openapi.json`);
  expect(r.status).toBe(200);
  doc = (await r.json()) as Doc;
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document of the whole API, each path parameter declared and each schema compiling', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/incidents',
      '/api/v1/incidents/{id}',
      '/api/v1/incidents/{id}/timeline',
      '/api/v1/incidents/{id}/updates',
      '/api/v1/openapi.json',
    ]);
    for (const { path, op } of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? []).toEqual(inPath);
      for (const p of op.parameters ?? []) expect(() => ajv.compile(p.schema)).not.toThrow();
    }
    expect(new Set(operations().map((o) => o.op.operationId))).toEqual(new Set(Object.keys(valid)));
  });

  it('every documented operation answers valid input with its documented status and a body its schema accepts', async () => {
    for (const { path, method, op } of operations()) {
      const { query = '', ...call } = valid[op.operationId]!(path);
      const url = path.replace('{id}', await freshIncident()) + query;
      if (call.body !== undefined)
        expect(validate(op.requestBody!.content['application/json'].schema, call.body), op.operationId).toBeUndefined();
      const r = await api(method, url, call);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, op.operationId).toHaveLength(1);
      expect(`${op.operationId} ${r.status}`, r.text).toBe(`${op.operationId} ${success[0]}`);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(validate(op.responses[success[0]!]!.content!['application/json'].schema, r.json), op.operationId).toBeUndefined();
    }
  });

  it('every documented error status is what the operation answers when provoked, in the documented error shape', async () => {
    let checked = 0;
    for (const { path, method, op } of operations()) {
      for (const status of Object.keys(op.responses).filter((s) => !s.startsWith('2'))) {
        const make = provoke[status];
        expect(make, `${op.operationId} documents ${status}, which the walk cannot provoke`).toBeDefined();
        const { id, call } = make!(op);
        const { query = '', ...rest } = call;
        const sent = method === 'GET' ? { ...rest, body: undefined, raw: undefined } : rest;
        const url = path.replace('{id}', id ?? (await freshIncident())) + query;
        const r = await api(method, url, sent);
        expect(`${op.operationId} ${r.status}`, r.text).toBe(`${op.operationId} ${status}`);
        expect(validate(op.responses[status]!.content!['application/json'].schema, r.json), `${op.operationId} ${status}`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});
