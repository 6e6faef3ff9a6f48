import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPointer } from '../../src/alerts/json-pointer.js';
import { mapGeneric, type GenericMapping } from '../../src/alerts/generic.js';
import { openSnsEnvelope } from '../../src/alerts/sns.js';
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

  it("reads labels from { name, value } objects, as CloudWatch writes an alarm's dimensions", () => {
    const mapping: GenericMapping = {
      fields: { title: '/t', group: '/g', status: '/s', labels: '/Trigger/Dimensions' },
      resolvedWhen: ['OK'],
    };
    const mapped = mapGeneric(
      {
        t: 'x',
        g: 'g',
        s: 'ALARM',
        Trigger: {
          Dimensions: [
            { value: 'i-0abc', name: 'InstanceId' },
            { name: 'AutoScalingGroupName', value: 'web' },
          ],
        },
      },
      mapping,
      NOW,
    );
    expect(mapped.ok && mapped.batches[0]!.alerts[0]!.labels).toEqual({ InstanceId: 'i-0abc', AutoScalingGroupName: 'web' });
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

// The shapes of Amazon SNS's HTTP/HTTPS messages (docs.aws.amazon.com/sns/latest/dg/http-notification-json.html).
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:firewatch-alarms';
const snsBase = {
  MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
  TopicArn: TOPIC,
  Timestamp: '2026-05-01T12:00:00.000Z',
  SignatureVersion: '1',
  Signature:
    'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
};
const SUBSCRIBE_URL = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb687f5d51e6e2425dacbba`;

describe('opening an Amazon SNS envelope', () => {
  const alarm = {
    AlarmName: 'payments-5xx',
    NewStateValue: 'ALARM',
    AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:payments-5xx',
  };

  it("parses a notification's Message, a JSON string, as what the fields map", () => {
    const body = { ...snsBase, Type: 'Notification', Subject: 'ALARM: "payments-5xx" in EU (Ireland)', Message: JSON.stringify(alarm) };
    expect(openSnsEnvelope('Notification', body)).toEqual({ type: 'Notification', topicArn: TOPIC, message: alarm });
    // Without the header (a relay that drops it), the body's Type says.
    expect(openSnsEnvelope(undefined, body)).toMatchObject({ type: 'Notification', message: alarm });
  });

  it('reads a subscription confirmation and an unsubscription', () => {
    const confirmation = {
      ...snsBase,
      Type: 'SubscriptionConfirmation',
      Token: '2336412f37fb687f5d51e6e2425dacbba',
      Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: SUBSCRIBE_URL,
    };
    expect(openSnsEnvelope('SubscriptionConfirmation', confirmation)).toEqual({
      type: 'SubscriptionConfirmation',
      topicArn: TOPIC,
      subscribeUrl: SUBSCRIBE_URL,
    });
    expect(openSnsEnvelope('UnsubscribeConfirmation', { ...confirmation, Type: 'UnsubscribeConfirmation' })).toEqual({
      type: 'UnsubscribeConfirmation',
      topicArn: TOPIC,
    });
  });

  it('refuses a Message that is not JSON, saying so', () => {
    expect(openSnsEnvelope('Notification', { ...snsBase, Type: 'Notification', Message: 'ALARM: payments-5xx' })).toEqual({
      type: 'refused',
      error: 'Message is not JSON: the fields are read from the published message, which must be a JSON document',
    });
  });

  it('refuses what is not an SNS message: no or another type, a type the body contradicts, fields missing', () => {
    const refusal = (header: string | undefined, body: unknown) => {
      const opened = openSnsEnvelope(header, body);
      return opened.type === 'refused' ? opened.error : `not refused: ${opened.type}`;
    };
    expect(refusal(undefined, alarm)).toMatch(/^not an Amazon SNS message: x-amz-sns-message-type \(or Type\) must be one of Notification/);
    expect(refusal('Publish', { ...snsBase, Type: 'Publish' })).toMatch(/must be one of/);
    expect(refusal('Notification', [alarm])).toMatch(/^not an Amazon SNS message: expected a JSON object/);
    expect(refusal('Notification', { ...snsBase, Type: 'SubscriptionConfirmation', SubscribeURL: SUBSCRIBE_URL })).toBe(
      'x-amz-sns-message-type says Notification but the body\'s Type is "SubscriptionConfirmation"',
    );
    expect(refusal('Notification', { ...snsBase, Type: 'Notification', Message: { already: 'parsed' } })).toBe(
      'Notification: Message: expected a string',
    );
    expect(refusal('SubscriptionConfirmation', { ...snsBase, SubscribeURL: 'file:///etc/passwd' })).toBe(
      'SubscriptionConfirmation: SubscribeURL: expected an http(s) URL',
    );
    expect(refusal('UnsubscribeConfirmation', { Type: 'UnsubscribeConfirmation' })).toBe(
      'UnsubscribeConfirmation: TopicArn: expected the topic ARN',
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

  it('takes envelope: sns, and refuses another envelope or one on an integration of another type, naming the field', () => {
    expect(parseConfig(generic({ envelope: 'sns' }), 'f.yaml').integrations[0]).toMatchObject({ envelope: 'sns' });
    expect(() => parseConfig(generic({ envelope: 'sqs' }), 'f.yaml')).toThrow(
      /f\.yaml is not valid:\n {2}integrations\[0\]\.envelope: expected one of "sns"$/,
    );
    expect(() => parseConfig({ integrations: [{ id: 'prom', type: 'alertmanager', token: 't', envelope: 'sns' }] }, 'f.yaml')).toThrow(
      /integrations\[0\]\.envelope: only a generic integration maps fields/,
    );
  });

  it('refuses an unknown severity in severity_map, as for the other integrations', () => {
    expect(() => parseConfig(generic({ severity_map: { fatal: 'sev9' } }), 'f.yaml')).toThrow(ConfigError);
  });
});
