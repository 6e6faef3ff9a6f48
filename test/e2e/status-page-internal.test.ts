// `status_page.public: false`: an internal status page behind the console's sign-in. Signed out, the page,
// a component's and the incident history send the browser to /login and the feed and JSON answer 401;
// signed in, everything is served, never to a shared cache. (Without the console configured it stays a 404: status-page.test.ts.)
import { describe, expect, it } from 'vitest';
import { visitAs } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  console: true,
  config: { status_page: { title: 'Internal Status', public: false, components: [{ id: 'api', name: 'API' }] } },
});
const PAGES = ['/status', '/status?component=api', '/status/history', '/status/history?page=2'];
const DATA = [
  '/status/feed.atom',
  ...['summary', 'status', 'components', 'incidents', 'incidents/unresolved'].map((n) => `/api/v2/${n}.json`),
];

describe('an internal status page', () => {
  it('redirects the page to the sign-in and refuses the feed and JSON with 401 when signed out', async () => {
    const { id } = await fw.declare('Internal outage');
    await fw.run('statuspage api major_outage Down for staff', { incident: id });
    for (const path of PAGES) {
      const page = await fetch(`${fw.app.url}${path}`, { redirect: 'manual' });
      expect(page.status, path).toBe(302);
      expect(page.headers.get('location')).toBe('/login');
      expect(await page.text()).not.toContain('Down for staff');
    }
    for (const path of DATA) {
      const r = await fetch(`${fw.app.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('cache-control'), path).toBe('no-store');
      expect(await r.text(), path).not.toContain('Down for staff');
    }
  });

  it('serves everything to a signed-in person, private and not stored, with no cross-origin header', async () => {
    const { id } = await fw.declare('Staff-only incident');
    await fw.run('statuspage api degraded_performance Slow for staff', { incident: id });
    const alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    for (const path of [...PAGES, ...DATA]) {
      const r = await alice.get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('cache-control'), path).toBe('private, no-store');
      expect(r.headers.get('access-control-allow-origin'), path).toBeNull();
      const body = await r.text();
      // status.json and components.json carry no incident text, but each document names something.
      expect(body, path).toMatch(/Slow for staff|Internal Status|"API"/);
    }
    expect(await (await alice.get('/status')).text()).toContain('Slow for staff');
    expect(await (await alice.get('/status/history')).text()).toContain('Slow for staff');
  });
});
