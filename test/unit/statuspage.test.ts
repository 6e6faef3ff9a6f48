// The status page's pure parts: how component states roll up into the page's indicator, what the page
// says from publications alone, Atlassian Statuspage's JSON shapes, Atom escaping, the command's grammar
// and the `status_page` config.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, type StatusPageConfig } from '../../src/config/load.js';
import { routeCommand } from '../../src/slack/commands/registry.js';
import { atomFeed, escapeXml } from '../../src/statuspage/atom.js';
import { pageModel, type Publication } from '../../src/statuspage/model.js';
import { COMPONENT_STATES, impactOf, pageIndicator, worstState, type ComponentState } from '../../src/statuspage/states.js';
import { statuspageDocuments } from '../../src/statuspage/statuspage-json.js';

const PAGE: StatusPageConfig = {
  title: 'Acme Status',
  public: true,
  components: [
    { id: 'api', name: 'API' },
    { id: 'web', name: 'Website' },
    { id: 'db', name: 'Database' },
  ],
};
const URL = 'https://status.example.com/status';
const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute));

let nextId = 1;
function pub(incidentId: number, components: Array<[string, ComponentState]>, extra: Partial<Publication> = {}): Publication {
  const id = nextId++;
  return {
    id,
    incidentId,
    title: `Incident ${incidentId}`,
    status: 'investigating',
    components: components.map(([c, state]) => ({ id: c, state })),
    message: `update ${id}`,
    publishedAt: at(id),
    ...extra,
  };
}

const state = fc.constantFrom(...COMPONENT_STATES);

describe('the page indicator', () => {
  it('is none with "All Systems Operational" when every component is operational, or there are none', () => {
    expect(pageIndicator([])).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    expect(pageIndicator(['operational', 'operational'])).toEqual({ indicator: 'none', description: 'All Systems Operational' });
  });

  it('follows the worst state: maintenance < degraded < partial < major', () => {
    expect(pageIndicator(['operational', 'under_maintenance']).indicator).toBe('maintenance');
    expect(pageIndicator(['under_maintenance', 'degraded_performance']).indicator).toBe('minor');
    expect(pageIndicator(['degraded_performance', 'partial_outage', 'operational'])).toEqual({
      indicator: 'major',
      description: 'Partial System Outage',
    });
    expect(pageIndicator(['major_outage', 'partial_outage']).indicator).toBe('critical');
  });

  it('does not depend on the order of the components, and adding an operational one changes nothing', () => {
    fc.assert(
      fc.property(fc.array(state), (states) => {
        const reversed = [...states].reverse();
        expect(pageIndicator(reversed)).toEqual(pageIndicator(states));
        expect(pageIndicator([...states, 'operational'])).toEqual(pageIndicator(states));
        expect(states.includes(worstState(states)) || worstState(states) === 'operational').toBe(true);
      }),
    );
  });

  it('gives an incident the impact of the worst state it ever set', () => {
    expect(impactOf(['operational'])).toBe('none');
    expect(impactOf(['major_outage', 'operational'])).toBe('critical');
    expect(impactOf(['degraded_performance'])).toBe('minor');
  });
});

describe('the page from its publications', () => {
  it('shows each component as the newest publication naming it says, and operational once its incident is resolved', () => {
    const publications = [
      pub(1, [['api', 'partial_outage']]),
      pub(2, [['web', 'degraded_performance']]),
      pub(
        1,
        [
          ['api', 'major_outage'],
          ['db', 'degraded_performance'],
        ],
        { status: 'identified' },
      ),
      pub(2, [['web', 'operational']], { status: 'resolved' }),
    ];
    const model = pageModel(PAGE, publications);
    expect(model.components.map((c) => [c.id, c.state, c.position])).toEqual([
      ['api', 'major_outage', 1],
      ['web', 'operational', 2],
      ['db', 'degraded_performance', 3],
    ]);
    const last = publications[3]!.publishedAt;
    expect(model).toMatchObject({ indicator: 'critical', description: 'Major System Outage', updatedAt: last });
    const [resolved, active] = model.incidents;
    expect(resolved).toMatchObject({ id: String(publications[1]!.id), status: 'resolved', impact: 'minor', resolvedAt: last });
    expect(active).toMatchObject({
      id: String(publications[0]!.id),
      status: 'identified',
      impact: 'critical',
      resolvedAt: null,
      componentIds: ['api', 'db'],
    });
    // Newest first, each naming what it changed from.
    expect(active!.updates.map((u) => u.affected)).toEqual([
      [
        { id: 'api', name: 'API', from: 'partial_outage', to: 'major_outage' },
        { id: 'db', name: 'Database', from: 'operational', to: 'degraded_performance' },
      ],
      [{ id: 'api', name: 'API', from: 'operational', to: 'partial_outage' }],
    ]);
  });

  it('with nothing published, is all operational with no incidents and no time', () => {
    const model = pageModel(PAGE, []);
    expect(model).toMatchObject({ indicator: 'none', incidents: [], updatedAt: null });
    expect(model.components.every((c) => c.state === 'operational' && c.updatedAt === null)).toBe(true);
  });

  it('whatever is published, every component is operational once every incident is resolved', () => {
    const ids = PAGE.components.map((c) => c.id);
    fc.assert(
      fc.property(
        fc.array(fc.record({ incident: fc.integer({ min: 1, max: 4 }), component: fc.constantFrom(...ids), state }), { maxLength: 20 }),
        (steps) => {
          const publications = steps.map((s) => pub(s.incident, [[s.component, s.state]]));
          const closing = [...new Set(steps.map((s) => s.incident))].map((i) => pub(i, [], { status: 'resolved' }));
          const model = pageModel(PAGE, [...publications, ...closing]);
          expect(model.components.every((c) => c.state === 'operational')).toBe(true);
          expect(model.indicator).toBe('none');
        },
      ),
    );
  });
});

describe("Atlassian Statuspage's JSON shapes", () => {
  const model = pageModel(PAGE, [pub(7, [['api', 'partial_outage']], { title: 'Slow API', message: 'Looking into it' })]);
  const docs = statuspageDocuments(model, URL) as Record<string, Record<string, unknown>>;

  it('puts the page and its status on every document and the unresolved incidents in the summary', () => {
    const page = { id: 'firewatch', name: 'Acme Status', url: URL, time_zone: 'Etc/UTC', updated_at: model.updatedAt!.toISOString() };
    for (const name of ['summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json']) {
      expect(docs[name]!.page).toEqual(page);
    }
    expect(docs['status.json']).toEqual({ page, status: { indicator: 'major', description: 'Partial System Outage' } });
    expect(Object.keys(docs['summary.json']!).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
    expect(docs['summary.json']!.incidents).toEqual(docs['incidents/unresolved.json']!.incidents);
  });

  it('shapes components and incidents with their updates as Statuspage names the fields', () => {
    const [api] = docs['components.json']!.components as Array<Record<string, unknown>>;
    expect(api).toMatchObject({ id: 'api', name: 'API', status: 'partial_outage', position: 1, page_id: 'firewatch', group: false });
    const [incident] = docs['incidents.json']!.incidents as Array<Record<string, unknown>>;
    const update = (incident!.incident_updates as Array<Record<string, unknown>>)[0];
    expect(incident).toMatchObject({ name: 'Slow API', status: 'investigating', impact: 'major', page_id: 'firewatch', resolved_at: null });
    expect(update).toMatchObject({
      status: 'investigating',
      body: 'Looking into it',
      incident_id: incident!.id,
      affected_components: [{ code: 'api', name: 'API', old_status: 'operational', new_status: 'partial_outage' }],
    });
    expect((incident!.components as Array<{ id: string }>).map((c) => c.id)).toEqual(['api']);
  });

  it('leaves a resolved incident out of unresolved.json and the summary, not out of incidents.json', () => {
    const resolved = statuspageDocuments(
      pageModel(PAGE, [pub(8, [['web', 'major_outage']]), pub(8, [], { status: 'resolved' })]),
      URL,
    ) as Record<string, { incidents?: unknown[] }>;
    expect(resolved['incidents/unresolved.json']!.incidents).toEqual([]);
    expect(resolved['summary.json']!.incidents).toEqual([]);
    expect(resolved['incidents.json']!.incidents).toHaveLength(1);
  });
});

describe('Atom', () => {
  const decode = (xml: string) =>
    xml.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');

  it('escapes the five XML characters so that decoding gives the text back, leaving no markup', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeXml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        // eslint-disable-next-line no-control-regex
        expect(decode(escaped)).toBe(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
      }),
    );
  });

  it('has one entry per publication, newest first, with a title or message that cannot inject markup', () => {
    const model = pageModel({ ...PAGE, title: 'Acme & Co <Status>' }, [
      pub(9, [['api', 'degraded_performance']], { title: '<script>alert(1)</script>', message: 'a & b' }),
      pub(9, [['api', 'operational']], { title: '<script>alert(1)</script>', status: 'resolved', message: 'Fixed </content>' }),
    ]);
    const feed = atomFeed(model, URL);
    expect(feed).not.toContain('<script>');
    expect(feed).not.toContain('Fixed </content>');
    expect(feed).toContain('<title>Acme &amp; Co &lt;Status&gt;</title>');
    const entries = [...feed.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((m) => m[0]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain('Resolved - Fixed &lt;/content&gt;');
    expect(entries[1]).toContain('Investigating - a &amp; b\nAPI: Degraded performance');
  });
});

describe('/incident statuspage grammar', () => {
  const grammar = { severities: ['sev1'], roles: [], types: [] };
  it('reads components, a state and the public message; refuses an unknown state listing the states', () => {
    expect(routeCommand('statuspage api,Web partial_outage Card payments fail', grammar).parsed).toEqual({
      kind: 'statuspage',
      ref: undefined,
      components: ['api', 'web'],
      state: 'partial_outage',
      message: 'Card payments fail',
    });
    expect(routeCommand('statuspage api broken', grammar).parsed).toEqual({
      kind: 'invalid',
      message: expect.stringContaining(
        'Unknown state "broken". Choose one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance.',
      ),
    });
    expect(routeCommand('statuspage', grammar).parsed).toMatchObject({ kind: 'invalid' });
  });
});

describe('status_page config', () => {
  const components = [{ id: 'api', name: 'API' }];
  it('defaults public to true and keeps the components in order', () => {
    expect(parseConfig({ status_page: { title: 'Acme Status', components } }, 'f.yaml').statusPage).toEqual({
      title: 'Acme Status',
      public: true,
      components,
    });
    expect(parseConfig({}, 'f.yaml').statusPage).toBeUndefined();
  });

  it('refuses unknown keys, duplicate component ids and a bad id, naming the field', () => {
    expect(() => parseConfig({ status_page: { title: 'A', components, colour: 'red' } }, 'f.yaml')).toThrow(
      /f\.yaml is not valid:\n {2}status_page: unknown key "colour"/,
    );
    expect(() => parseConfig({ status_page: { title: 'A', components: [...components, { id: 'api', name: 'Again' }] } }, 'f.yaml')).toThrow(
      /status_page\.components\[1\]\.id: duplicate id "api"/,
    );
    expect(() => parseConfig({ status_page: { title: 'A', components: [{ id: 'API X', name: 'API' }] } }, 'f.yaml')).toThrow(
      /status_page\.components\[0\]\.id: expected an id of lowercase letters/,
    );
    expect(() => parseConfig({ status_page: { title: 'A', components: [{ id: 'api', name: 'API', url: 'x' }] } }, 'f.yaml')).toThrow(
      /status_page\.components\[0\]: unknown key "url"/,
    );
  });
});
