// The JSON API end to end over real HTTP: a bearer api_token lists, reads, declares and updates incidents;
// declaring and updating reach Slack through the outbox as Slack's own commands do; private incidents are
// invisible (404 exactly as a missing one, absent from lists, and so is their postmortem.md); bad requests are answered in JSON naming the field.
import { describe, expect, it } from 'vitest';
import { Incident, IncidentList, Timeline } from '../../src/http/api/schemas.js';
import { latestPostmortem } from '../../src/postmortems/store.js';
import { apiClient } from '../support/api-client.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { settledOutbox } from '../support/outbox.js';

const TOKEN = 'api-token-for-the-json-api-0123456789';
const fw = useFirewatch({ config: { api_token: TOKEN } });
const api = apiClient(() => fw.app.url, TOKEN);
const ids = (page: { incidents: Array<{ id: string }> }) => page.incidents.map((i) => i.id);
const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

async function declare(body: Record<string, unknown>) {
  const r = await api('POST', '/api/v1/incidents', { body });
  expect(r.status, r.text).toBe(201);
  return Incident.parse(r.json);
}

async function list(query: string) {
  const r = await api('GET', `/api/v1/incidents?${query}`);
  expect(r.status, r.text).toBe(200);
  return IncidentList.parse(r.json);
}

describe('JSON API', () => {
  it('declares through the outbox: Slack gets the channel, its summary and the lead; the incident then shows it', async () => {
    const r = await api('POST', '/api/v1/incidents', {
      body: { title: 'Checkout API 500s', severity: 'sev2', type: 'availability', lead: 'U0ALICE' },
    });
    expect(r.status, r.text).toBe(201);
    const declared = Incident.parse(r.json);
    expect(r.headers.get('location')).toBe(`/api/v1/incidents/${declared.id}`);
    expect(declared).toMatchObject({
      title: 'Checkout API 500s',
      severity: 'sev2',
      type: 'availability',
      lead: 'U0ALICE',
      declared_by: 'api:API',
      source: 'api',
    });

    await settledOutbox(fw.db, declared.number);
    const got = Incident.parse((await api('GET', `/api/v1/incidents/${declared.id}`)).json);
    expect(got.channel).not.toBeNull();
    const channel = fw.slack.channels.get(got.channel!.id);
    expect(channel?.name).toBe(got.channel!.name);
    expect(channel?.members.has('U0ALICE')).toBe(true);
    expect(got.channel!.url).toBe(`https://slack.com/app_redirect?channel=${got.channel!.id}`);
    expect(got.roles).toEqual([{ role: 'lead', user: 'U0ALICE' }]);
    const summary = fw.slack
      .messagesIn(got.channel!.id)
      .map((m) => fw.slack.textOf(m))
      .find((t) => t.includes(declared.id));
    expect(summary).toContain('through the API');
  });

  it('posts an update to the incident channel, moves its status, and puts it on the timeline', async () => {
    const declared = await declare({ title: 'Search is slow', severity: 'sev3' });
    await settledOutbox(fw.db, declared.number);
    const r = await api('POST', `/api/v1/incidents/${declared.id}/updates`, {
      body: { message: 'Found the bad index; rebuilding it', status: 'identified' },
    });
    expect(r.status, r.text).toBe(201);
    expect(Incident.parse(r.json).status).toBe('identified');
    await settledOutbox(fw.db, declared.number);
    const { channelId } = await fw.incident(declared.number);
    expect(fw.slack.messagesIn(channelId!).some((m) => fw.slack.textOf(m).includes('Found the bad index; rebuilding it'))).toBe(true);

    const timeline = Timeline.parse((await api('GET', `/api/v1/incidents/${declared.id}/timeline`)).json);
    expect(timeline.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['declared', 'status_update']));
    expect(timeline.events.find((e) => e.kind === 'status_update')).toMatchObject({
      actor: 'api:API',
      data: { message: 'Found the bad index; rebuilding it' },
    });

    // The timeline pages by key: one event a page walks the same events in the same order.
    const walked: number[] = [];
    let after: string | null = '';
    while (after !== null) {
      const page = Timeline.parse(
        (await api('GET', `/api/v1/incidents/${declared.id}/timeline?limit=1${after ? `&after=${after}` : ''}`)).json,
      );
      expect(page.events.length).toBeLessThanOrEqual(1);
      walked.push(...page.events.map((e) => e.id));
      after = page.next;
    }
    expect(walked).toEqual(timeline.events.map((e) => e.id));

    const closed = await api('POST', `/api/v1/incidents/${declared.id}/updates`, { body: { message: 'done', status: 'closed' } });
    expect(closed.status).toBe(409);
    expect(closed.json).toMatchObject({ error: { code: 'conflict', field: 'status' } });
  });

  it('moves the status only from expected_status, as the console’s forms do, and a stale one is 409 changing nothing', async () => {
    const declared = await declare({ title: 'Queue backlog', severity: 'sev3' });
    const kept = await api('POST', `/api/v1/incidents/${declared.id}/updates`, {
      body: { message: 'Still looking', status: 'investigating', expected_status: 'investigating' },
    });
    expect(kept.status, kept.text).toBe(201);
    expect(Incident.parse(kept.json).status).toBe('investigating');
    const moved = await api('POST', `/api/v1/incidents/${declared.id}/updates`, {
      body: { message: 'Found the stuck consumer', status: 'identified', expected_status: 'investigating' },
    });
    expect(Incident.parse(moved.json).status).toBe('identified');
    const stale = await api('POST', `/api/v1/incidents/${declared.id}/updates`, {
      body: { message: 'From a page loaded earlier', status: 'monitoring', expected_status: 'investigating' },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ error: { code: 'conflict' } });
    expect((await fw.incident(declared.number)).status).toBe('identified');
    const messages = (await fw.events(declared.number, 'status_update')).map((e) => (e.data as { message: string }).message);
    expect(messages).not.toContain('From a page loaded earlier');
  });

  it('filters by status, severity, type, time and text in titles and updates, and pages without gaps or repeats', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const a = await declare({ title: `${tag} database failover`, severity: 'sev1', type: 'data' });
    // since/until are compared with instants to the millisecond: each declaration gets a millisecond of its own.
    await tick();
    const b = await declare({ title: `${tag} login latency`, severity: 'sev3', type: 'performance' });
    await tick();
    const c = await declare({ title: `${tag} cdn errors`, severity: 'sev3', type: 'availability' });
    const d = await declare({ title: 'Unrelated title', severity: 'sev4' });
    await api('POST', `/api/v1/incidents/${d.id}/updates`, {
      body: { message: `root cause: ${tag} cache_key 100%`, status: 'monitoring' },
    });

    const ids = (page: { incidents: Array<{ id: string }> }) => page.incidents.map((i) => i.id);
    expect(ids(await list(`q=${tag}`))).toEqual([d.id, c.id, b.id, a.id]);
    expect(ids(await list(`q=${tag.toUpperCase()}%20LOGIN`))).toEqual([b.id]);
    // LIKE's own wildcards are taken literally: `_` and `%` match only themselves.
    expect(ids(await list(`q=${encodeURIComponent('cache_key 100%')}`))).toEqual([d.id]);
    expect(ids(await list(`q=${encodeURIComponent('cacheXkey')}`))).toEqual([]);
    expect(ids(await list(`q=${tag}&severity=sev3`))).toEqual([c.id, b.id]);
    expect(ids(await list(`q=${tag}&severity=sev1,sev4`))).toEqual([d.id, a.id]);
    expect(ids(await list(`q=${tag}&type=performance,data`))).toEqual([b.id, a.id]);
    expect(ids(await list(`q=${tag}&status=monitoring`))).toEqual([d.id]);
    expect(ids(await list(`q=${tag}&status=investigating&severity=sev3&type=availability`))).toEqual([c.id]);
    expect(ids(await list(`q=${tag}&since=${encodeURIComponent(b.created_at)}`))).toEqual([d.id, c.id, b.id]);
    expect(ids(await list(`q=${tag}&until=${encodeURIComponent(b.created_at)}`))).toEqual([a.id]);

    const all = await list('limit=100');
    expect(all.next).toBeNull();
    const walked: string[] = [];
    let after: string | null = '';
    let pages = 0;
    while (after !== null) {
      const page = await list(`limit=2${after ? `&after=${after}` : ''}`);
      expect(page.incidents.length).toBeLessThanOrEqual(2);
      walked.push(...ids(page));
      after = page.next;
      pages++;
    }
    expect(walked).toEqual(ids(all));
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('leaves drills out of the list unless asked for', async () => {
    const { id } = await fw.startDeclare('drill sev4 Practice failover');
    const key = `INC-${id}`;
    expect(ids(await list('limit=100'))).not.toContain(key);
    expect(ids(await list('limit=100&include_drills=true'))).toContain(key);
    expect(Incident.parse((await api('GET', `/api/v1/incidents/${key}`)).json).drill).toBe(true);
  });

  it('answers a private incident exactly as a missing one, and leaves it out of lists', async () => {
    const secret = await declare({ title: 'Leaked credentials', severity: 'sev1', private: true, lead: 'U0BOB' });
    expect(secret.private).toBe(true);
    await settledOutbox(fw.db, secret.number);
    expect(fw.slack.channels.get((await fw.incident(secret.number)).channelId!)?.is_private).toBe(true);

    const missing = await api('GET', '/api/v1/incidents/INC-987654');
    expect(missing.status).toBe(404);
    for (const path of [
      `/api/v1/incidents/${secret.id}`,
      `/api/v1/incidents/${secret.id}/timeline`,
      `/api/v1/incidents/${secret.id.toLowerCase()}`,
    ]) {
      const r = await api('GET', path);
      expect(r.status).toBe(404);
      expect(r.text).toBe(missing.text);
    }
    const update = await api('POST', `/api/v1/incidents/${secret.id}/updates`, { body: { message: 'still here?' } });
    const updateMissing = await api('POST', '/api/v1/incidents/INC-987654/updates', { body: { message: 'still here?' } });
    expect(update.status).toBe(404);
    expect(update.text).toBe(updateMissing.text);
    expect(await fw.events(secret.number, 'status_update')).toEqual([]);
    expect(ids(await list('limit=100'))).not.toContain(secret.id);
    expect(ids(await list('q=Leaked'))).toEqual([]);

    // The same rule holds for postmortem.md: its member writes one, and the token still sees nothing.
    await fw.run('resolve Rotated the keys', { incident: secret.number, user: 'U0BOB' });
    await fw.run('postmortem', { incident: secret.number, user: 'U0BOB' });
    await until(() => latestPostmortem(fw.db, secret.number), 'the private incident has a postmortem');
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const postmortem = await fetch(`${fw.app.url}/incidents/${secret.id}/postmortem.md`, auth);
    const noPostmortem = await fetch(`${fw.app.url}/incidents/INC-987654/postmortem.md`, auth);
    expect(postmortem.status).toBe(404);
    expect(await postmortem.text()).toBe(await noPostmortem.text());

    const noLead = await api('POST', '/api/v1/incidents', { body: { title: 'Nobody could see this', private: true } });
    expect(noLead.status).toBe(400);
    expect(noLead.json).toMatchObject({ error: { code: 'bad_request', field: 'lead' } });
  });

  it('refuses callers without the api_token with 401, the same for every route', async () => {
    const routes: Array<['GET' | 'POST', string]> = [
      ['GET', '/api/v1/incidents'],
      ['POST', '/api/v1/incidents'],
      ['GET', '/api/v1/incidents/INC-1'],
      ['GET', '/api/v1/incidents/INC-1/timeline'],
      ['POST', '/api/v1/incidents/INC-1/updates'],
    ];
    const before = (await list('limit=100&include_drills=true')).incidents.length;
    for (const [method, path] of routes) {
      for (const token of [null, 'wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
        const r = await api(method, path, method === 'POST' ? { token, body: { title: 'Sneaky', message: 'Sneaky' } } : { token });
        expect(r.status, `${method} ${path} with ${token}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
        expect(r.json).toMatchObject({ error: { code: 'unauthorized' } });
      }
    }
    expect((await list('limit=100&include_drills=true')).incidents.length).toBe(before);
    const basic = await api('GET', '/api/v1/incidents', { token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('answers bad requests in JSON, naming what is wrong', async () => {
    const bad = async (method: 'GET' | 'POST', path: string, call: Parameters<typeof api>[2], status: number, field?: string) => {
      const r = await api(method, path, call);
      expect(r.status, r.text).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.json).toMatchObject({ error: field === undefined ? {} : { field } });
      return r.json as { error: { message: string } };
    };
    expect((await bad('POST', '/api/v1/incidents', { raw: '{"title": ' }, 400)).error.message).toBe('the body is not valid JSON');
    await bad('POST', '/api/v1/incidents', { body: {} }, 400, 'title');
    await bad('POST', '/api/v1/incidents', { body: { title: '   ' } }, 400, 'title');
    await bad('POST', '/api/v1/incidents', { body: { title: 'x'.repeat(201) } }, 400, 'title');
    await bad('POST', '/api/v1/incidents', { body: { title: 'Fine', severity: 7 } }, 400, 'severity');
    expect(
      (await bad('POST', '/api/v1/incidents', { body: { title: 'Fine', severity: 'sev9' } }, 400, 'severity')).error.message,
    ).toContain('sev1');
    expect((await bad('POST', '/api/v1/incidents', { body: { title: 'Fine', type: 'weather' } }, 400, 'type')).error.message).toContain(
      'availability',
    );
    await bad('POST', '/api/v1/incidents', { body: { title: 'Fine', lead: 'alice' } }, 400, 'lead');
    await bad('POST', '/api/v1/incidents', { body: { title: 'Fine', colour: 'red' } }, 400);
    await bad('POST', '/api/v1/incidents', { body: ['title'] }, 400);
    await bad('POST', '/api/v1/incidents', { raw: JSON.stringify({ title: 'x'.repeat(70_000) }) }, 413);
    await bad('POST', '/api/v1/incidents', { raw: '{"title":"Fine"}', headers: { 'content-type': 'text/plain' } }, 415);
    await bad('GET', '/api/v1/incidents?limit=500', {}, 400, 'limit');
    await bad('GET', '/api/v1/incidents?limit=0', {}, 400, 'limit');
    await bad('GET', '/api/v1/incidents?status=broken', {}, 400, 'status');
    await bad('GET', '/api/v1/incidents?since=yesterday', {}, 400, 'since');
    await bad('GET', '/api/v1/incidents?after=abc', {}, 400, 'after');
    expect((await bad('GET', '/api/v1/incidents?page=2', {}, 400, 'page')).error.message).toContain('after');
    await bad('GET', '/api/v1/incidents/INC-1/timeline?limit=101', {}, 400, 'limit');
    await bad('GET', '/api/v1/incidents/not-an-incident', {}, 404);

    const d = await declare({ title: 'Bad updates target' });
    await bad('POST', `/api/v1/incidents/${d.id}/updates`, { body: { message: '' } }, 400, 'message');
    await bad('POST', `/api/v1/incidents/${d.id}/updates`, { body: { message: 'x', status: 'asleep' } }, 400, 'status');
    await bad('POST', `/api/v1/incidents/${d.id}/updates`, { body: { message: 'x', severity: 'sev9' } }, 400, 'severity');
    expect(await fw.events(d.number, 'status_update')).toEqual([]);
  });
});
