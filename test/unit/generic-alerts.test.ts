import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPointer } from '../../src/alerts/json-pointer.js';
import { mapGeneric, type GenericMapping } from '../../src/alerts/generic.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const NOW = new Date('2026-05-01T12:00:00Z');

// DESIGN.md's Sentry example.
const SENTRY: GenericMapping = {
  fields: { title: '/title', group: '/fingerprint', status: '/status', severity: '/level', labels: '/tags' },
  resolvedWhen: ['resolved'],
};

describe('mapping a generic payload', () => {
  it('maps a Sentry-shaped payload by its pointers, tags as [key, value] pairs', () => {
    const mapped = mapGeneric(
      {
        title: 'TypeError: x is undefined',
        fingerprint: 'abc123',
        status: 'unresolved',
        level: 'Error',
        tags: [
          ['env', 'prod'],
          ['release', 42],
        ],
      },
      SENTRY,
      NOW,
    );
    expect(mapped).toEqual({
      ok: true,
      batches: [
        {
          groupKey: 'abc123',
          title: 'TypeError: x is undefined',
          sourceSeverity: 'error',
          truncatedAlerts: 0,
          alerts: [
            {
              fingerprint: 'abc123',
              status: 'firing',
              title: 'TypeError: x is undefined',
              labels: { env: 'prod', release: '42' },
              annotations: {},
              startsAt: null,
              endsAt: null,
              link: null,
              sourceSeverity: 'error',
            },
          ],
        },
      ],
    });
  });

  it('takes a status among resolved_when as resolved, ending now', () => {
    const mapping = { ...SENTRY, resolvedWhen: ['resolved', 'Recovered'] };
    const alert = (status: string) => {
      const mapped = mapGeneric({ title: 't', fingerprint: 'g', status }, mapping, NOW);
      return mapped.ok ? mapped.batches[0]!.alerts[0]! : undefined;
    };
    expect(alert('Recovered')).toMatchObject({ status: 'resolved', endsAt: NOW.toISOString() });
    expect(alert('resolved')).toMatchObject({ status: 'resolved' });
    expect(alert('Triggered')).toMatchObject({ status: 'firing', endsAt: null });
  });

  it('reads labels from { key, value } objects and from objects, nested values as their JSON', () => {
    const pairs = mapGeneric({ title: 't', fingerprint: 'g', status: 's', tags: [{ key: 'a', value: 'b' }] }, SENTRY, NOW);
    expect(pairs.ok && pairs.batches[0]!.alerts[0]!.labels).toEqual({ a: 'b' });
    const object = mapGeneric(
      { title: 't', fingerprint: 'g', status: 's', tags: { n: 1, ok: true, deep: { x: [1] }, none: null } },
      SENTRY,
      NOW,
    );
    expect(object.ok && object.batches[0]!.alerts[0]!.labels).toEqual({ n: '1', ok: 'true', deep: '{"x":[1]}', none: 'null' });
  });

  it('maps link, annotations and a fingerprint of their own; numbers are text', () => {
    const mapping: GenericMapping = {
      fields: { title: '/t', group: '/g', status: '/s', fingerprint: '/f', link: '/url', annotations: '/details' },
      resolvedWhen: ['ok'],
    };
    const mapped = mapGeneric(
      { t: 'Disk full', g: 7, s: 'alert', f: 'host-1', url: 'https://x.example/1', details: { free: '0%' } },
      mapping,
      NOW,
    );
    expect(mapped.ok && mapped.batches[0]).toMatchObject({
      groupKey: '7',
      alerts: [{ fingerprint: 'host-1', link: 'https://x.example/1', annotations: { free: '0%' } }],
    });
  });

  it('takes a top-level array as many alerts, one batch per group', () => {
    const mapped = mapGeneric(
      [
        { title: 'a', fingerprint: 'g1', status: 'firing' },
        { title: 'b', fingerprint: 'g2', status: 'firing' },
        { title: 'c', fingerprint: 'g1', status: 'resolved' },
      ],
      { fields: { ...SENTRY.fields, fingerprint: '/title' }, resolvedWhen: ['resolved'] },
      NOW,
    );
    expect(mapped.ok && mapped.batches.map((b) => [b.groupKey, b.alerts.map((a) => a.fingerprint)])).toEqual([
      ['g1', ['a', 'c']],
      ['g2', ['b']],
    ]);
  });

  it('refuses a payload lacking a mapped required field, naming the field and its pointer', () => {
    expect(mapGeneric({ fingerprint: 'g', status: 's' }, SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['field title: /title is missing from the payload'],
    });
    expect(mapGeneric([{ title: 't', status: 's' }], SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['[0] field group: /fingerprint is missing from the payload'],
    });
    expect(mapGeneric('just text', SENTRY, NOW)).toMatchObject({
      ok: false,
      errors: expect.arrayContaining(['field title: /title is missing from the payload']),
    });
  });

  it('refuses a field of the wrong type, naming the field, its pointer and what it is', () => {
    expect(mapGeneric({ title: { text: 'x' }, fingerprint: 'g', status: 's' }, SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['field title: /title is an object, expected a string or a number'],
    });
    expect(mapGeneric({ title: '  ', fingerprint: 'g', status: 's' }, SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['field title: /title is empty, expected a string or a number'],
    });
    expect(mapGeneric({ title: 't', fingerprint: 'g', status: 's', level: ['x'] }, SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['field severity: /level is an array, expected a string or a number'],
    });
    expect(mapGeneric({ title: 't', fingerprint: 'g', status: 's', tags: 'env:prod' }, SENTRY, NOW)).toEqual({
      ok: false,
      errors: ['field labels: /tags is a string, expected an object of values or a list of [key, value] pairs'],
    });
  });

  it('maps any nested payload by the pointers of where its fields are', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', '/', '~', ' '), minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 3 }),
        fc.string({ minLength: 1 }).filter((t) => t.trim() !== ''),
        (path, text) => {
          const payload = path.reduceRight<unknown>((inner, k) => ({ [k]: inner }), { title: text, group: 'g', status: 'firing' });
          const at = (field: string) => formatPointer([...path, field]);
          const mapped = mapGeneric(
            payload,
            { fields: { title: at('title'), group: at('group'), status: at('status') }, resolvedWhen: ['resolved'] },
            NOW,
          );
          expect(mapped.ok && mapped.batches[0]!.alerts[0]!.status).toBe('firing');
          expect(mapped.ok && mapped.batches[0]!.groupKey).toBe('g');
        },
      ),
    );
  });
});

const generic = (extra: Record<string, unknown>) => ({
  integrations: [
    { id: 'sentry', type: 'generic', token: 'tok', fields: { title: '/title', group: '/fingerprint', status: '/status' }, ...extra },
  ],
});

describe('config of generic integrations', () => {
  it("accepts DESIGN.md's Sentry example", () => {
    const config = parseConfig(
      {
        integrations: [
          {
            id: 'sentry',
            type: 'generic',
            token: 'sentry-token',
            fields: { title: '/title', group: '/fingerprint', status: '/status', severity: '/level', labels: '/tags' },
            resolved_when: 'resolved',
          },
        ],
      },
      'f.yaml',
    );
    expect(config.integrations[0]).toMatchObject({ type: 'generic', resolved_when: ['resolved'], fields: { labels: '/tags' } });
  });

  it('refuses a pointer that is not one, naming the field', () => {
    expect(() => parseConfig(generic({ fields: { title: 'title', group: '/g', status: '/s' } }), 'f.yaml')).toThrow(
      /f\.yaml is not valid:\n {2}integrations\[0\]\.fields\.title: "title" does not start with "\/"/,
    );
    expect(() => parseConfig(generic({ fields: { title: '/t', group: '/a~2', status: '/s' } }), 'f.yaml')).toThrow(
      /integrations\[0\]\.fields\.group: "\/a~2" has a "~" at character 3 not followed by 0 or 1/,
    );
  });

  it('refuses a missing required field, an unknown one, and fields on another type', () => {
    expect(() => parseConfig(generic({ fields: { title: '/t', group: '/g' } }), 'f.yaml')).toThrow(
      /integrations\[0\]\.fields\.status: required: the JSON pointer of the alert's status, such as \/status/,
    );
    expect(() => parseConfig(generic({ fields: { title: '/t', group: '/g', status: '/s', colour: '/c' } }), 'f.yaml')).toThrow(
      /integrations\[0\]\.fields: unknown key "colour"/,
    );
    expect(() => parseConfig(generic({ fields: undefined }), 'f.yaml')).toThrow(
      /integrations\[0\]\.fields: a generic integration needs fields/,
    );
    expect(() => parseConfig(generic({ token: undefined }), 'f.yaml')).toThrow(
      /integrations\[0\]\.token: a generic integration needs a token/,
    );
    expect(() => parseConfig({ integrations: [{ id: 'prom', type: 'alertmanager', token: 't', resolved_when: 'ok' }] }, 'f.yaml')).toThrow(
      /integrations\[0\]\.resolved_when: only a generic integration maps fields/,
    );
  });

  it('refuses an unknown severity in severity_map, as for the other integrations', () => {
    expect(() => parseConfig(generic({ severity_map: { fatal: 'sev9' } }), 'f.yaml')).toThrow(ConfigError);
  });
});
