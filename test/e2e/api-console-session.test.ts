// The JSON API with a console session instead of the api_token: the signed-in person sees the private
// incidents they are a member of and no others, declares as themselves, and a change without the page's
// CSRF token in x-csrf-token is refused (a cookie alone could be another site's doing).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../src/db/schema.js';
import { Incident, IncidentList } from '../../src/http/api/schemas.js';
import { apiClient } from '../support/api-client.js';
import { cookieHeader, visitAs, type ConsoleVisitor } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';

const fw = useFirewatch({ console: true });
const api = apiClient(() => fw.app.url, 'unused');
let alice: ConsoleVisitor;
let bob: ConsoleVisitor;
beforeAll(async () => {
  alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
  bob = await visitAs(fw.slack, fw.app.url, 'U0BOB');
});

const as = (visitor: ConsoleVisitor, csrf = true) => ({
  token: null,
  headers: { cookie: cookieHeader(visitor.cookies), ...(csrf ? { 'x-csrf-token': visitor.csrf } : {}) },
});

async function listedTo(visitor: ConsoleVisitor, query = ''): Promise<string[]> {
  const r = await api('GET', `/api/v1/incidents?limit=100${query}`, as(visitor, false));
  expect(r.status, r.text).toBe(200);
  return IncidentList.parse(r.json).incidents.map((i) => i.id);
}

const count = async () => Number((await fw.db.select({ n: sql<number>`count(*)::int` }).from(incidents))[0]?.n);

describe('the JSON API with a console session', () => {
  it('declares as the signed-in person with x-csrf-token, and lists the private incident to its member only', async () => {
    const r = await api('POST', '/api/v1/incidents', {
      ...as(alice),
      body: { title: 'Session declared secret', severity: 'sev2', private: true, lead: 'U0ALICE' },
    });
    expect(r.status, r.text).toBe(201);
    const declared = Incident.parse(r.json);
    expect(declared).toMatchObject({ declared_by: 'U0ALICE', lead: 'U0ALICE', private: true, source: 'api' });
    await settledOutbox(fw.db, declared.number);
    const open = await fw.declare('Session visible outage', { user: 'U0CAROL' });

    expect(await listedTo(alice)).toEqual([`INC-${open.id}`, declared.id]);
    expect(await listedTo(bob)).toEqual([`INC-${open.id}`]);
    expect(await listedTo(bob, '&q=secret')).toEqual([]);
    expect((await api('GET', `/api/v1/incidents/${declared.id}`, as(alice, false))).status).toBe(200);
    expect((await api('GET', `/api/v1/incidents/${declared.id}`, as(bob, false))).status).toBe(404);
  });

  it('refuses a change without x-csrf-token with 403 and declares nothing', async () => {
    const before = await count();
    const r = await api('POST', '/api/v1/incidents', { ...as(alice, false), body: { title: 'No token declared', severity: 'sev2' } });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: { code: 'forbidden' } });
    const wrong = await api('POST', '/api/v1/incidents', {
      token: null,
      headers: { cookie: cookieHeader(alice.cookies), 'x-csrf-token': bob.csrf },
      body: { title: 'Wrong token declared', severity: 'sev2' },
    });
    expect(wrong.status).toBe(403);
    expect(await count()).toBe(before);
  });
});
