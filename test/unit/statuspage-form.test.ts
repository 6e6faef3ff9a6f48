// The status page form's pure parts: the summary offers its button only where publishing can succeed, the
// preview is the page's own model with the draft as the next publication, and the form and preview views
// are ones Slack accepts, at the longest inputs the form allows.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { summaryMessage } from '../../src/slack/blocks/incident.js';
import { draftMetadata, previewText, statusPageFormView, statusPagePreviewView } from '../../src/slack/blocks/statuspage-modal.js';
import { pageModel, type Publication } from '../../src/statuspage/model.js';
import { previewOf } from '../../src/statuspage/preview.js';
import { Args } from '../support/slack-emulator/args.js';
import { viewArg } from '../support/slack-emulator/block-kit.js';
import { sampleIncident } from '../support/timeline-samples.js';

const withPage = parseConfig(
  {
    status_page: {
      title: 'Acme <Status>',
      components: [
        { id: 'api', name: 'API' },
        { id: 'web', name: 'Web & CDN' },
      ],
    },
  },
  'f.yaml',
);
const page = withPage.statusPage!;
const buttonsOf = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks).includes('incident_status_page');
const summary = (overrides: Parameters<typeof sampleIncident>[0], config = withPage) =>
  summaryMessage(config, { incident: sampleIncident({ status: 'investigating', ...overrides }), roles: [], lastUpdate: undefined });

describe('the summary’s Status page button', () => {
  it('is there on a public real incident with a page configured, and nowhere else', () => {
    expect(buttonsOf(summary({}))).toBe(true);
    expect(buttonsOf(summary({ isPrivate: true }))).toBe(false);
    expect(buttonsOf(summary({ drill: true }))).toBe(false);
    expect(buttonsOf(summary({}, parseConfig({}, 'f.yaml')))).toBe(false);
  });
});

describe('the preview', () => {
  const earlier: Publication = {
    id: 7,
    incidentId: 1,
    title: 'Older',
    status: 'investigating',
    components: [{ id: 'web', state: 'major_outage' }],
    message: 'Web down',
    publishedAt: new Date('2026-01-01T10:00:00Z'),
  };
  const draft = {
    incidentId: 2,
    title: 'API <slow>',
    components: ['api'],
    state: 'degraded_performance' as const,
    message: 'Slow & steady',
  };

  it('is the page as it will be once the draft is the next publication', () => {
    const now = new Date('2026-01-01T11:00:00Z');
    const preview = previewOf(page, [earlier], draft, 'investigating', now);
    const next = { ...draft, id: 8, status: 'investigating' as const, components: [{ id: 'api', state: draft.state }], publishedAt: now };
    expect(preview.page).toEqual(pageModel(page, [earlier, next]));
    expect(preview.incident.name).toBe('API <slow>');
    expect(previewText(preview)).toEqual([
      '*Acme &lt;Status&gt;*\nMajor System Outage',
      '*Components*\n• API: *Degraded performance*\n• Web &amp; CDN: *Major outage*',
      '*API &lt;slow&gt;*\n*Investigating* · Slow &amp; steady\n_API: Degraded performance_',
    ]);
  });

  it('makes views Slack accepts, with the longest title and message the form takes', () => {
    const long = { ...draft, title: 'T'.repeat(200), message: 'm'.repeat(2_000), incidentId: 2_147_483_647 };
    const metadata = draftMetadata(long);
    expect(metadata).toBeDefined();
    const preview = previewOf(page, [earlier], long, 'identified', new Date());
    for (const view of [statusPageFormView(page, long), statusPagePreviewView(long, metadata!, preview, 'https://x.example/status')]) {
      expect(() => viewArg(new Args({ view }), ['modal'])).not.toThrow();
    }
    // A message of quotes doubles when carried as JSON: the form then says to shorten it.
    expect(draftMetadata({ ...long, message: '"'.repeat(2_000) })).toBeUndefined();
  });
});
