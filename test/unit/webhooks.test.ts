// Outbound webhooks' pure parts: which timeline events they carry, the body's shape, the Standard Webhooks
// signature (checked against a verifier written here from the spec), and the config's refusals.
import { createHmac, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { outcomeOfStatus, retryAfterMs } from '../../src/providers/webhooks.js';
import { timelineEventSchemas } from '../../src/timeline/events.js';
import { subscribedWebhooks, webhookEventOf } from '../../src/webhooks/events.js';
import { webhookBody, webhookBodySchema, webhookIncident } from '../../src/webhooks/payload.js';
import { webhookSignature } from '../../src/webhooks/signature.js';

/** Standard Webhooks verification, from the spec: base64 HMAC-SHA256 of "id.timestamp.body" under the decoded whsec_ key. */
function verify(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string): boolean {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.split('_')[1]!, 'base64') : Buffer.from(secret);
  const expected = createHmac('sha256', key).update(`${headers.id}.${headers.timestamp}.${body}`).digest();
  return headers.signature.split(' ').some((sig) => {
    const [version, mac] = sig.split(',');
    const given = Buffer.from(mac ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhook event types', () => {
  it('maps each timeline kind webhooks carry, and a status change by where it went', () => {
    expect(webhookEventOf('declared', {})).toBe('incident.declared');
    expect(webhookEventOf('status_update', {})).toBe('incident.updated');
    expect(webhookEventOf('status_changed', { from: 'triage', to: 'identified' })).toBe('incident.status_changed');
    expect(webhookEventOf('status_changed', { from: 'monitoring', to: 'resolved' })).toBe('incident.resolved');
    expect(webhookEventOf('status_changed', { from: 'resolved', to: 'closed' })).toBe('incident.closed');
    expect(webhookEventOf('page_triggered', {})).toBe('page.triggered');
    expect(webhookEventOf('page_acknowledged', {})).toBe('page.acknowledged');
    expect(webhookEventOf('page_exhausted', {})).toBe('page.exhausted');
    expect(webhookEventOf('followup_added', {})).toBe('followup.created');
    expect(webhookEventOf('followup_done', {})).toBe('followup.done');
  });

  it('carries no other kind', () => {
    const carried = new Set(['declared', 'status_update', 'status_changed', 'page_triggered', 'page_acknowledged', 'page_exhausted']);
    for (const kind of Object.keys(timelineEventSchemas))
      if (!carried.has(kind) && !kind.startsWith('followup_')) expect(webhookEventOf(kind, {}), kind).toBeUndefined();
    fc.assert(
      fc.property(
        fc.string().filter((kind) => !Object.hasOwn(timelineEventSchemas, kind)),
        (kind) => webhookEventOf(kind, {}) === undefined,
      ),
    );
  });

  it('sends a private incident only to webhooks that take them, and a drill to none', () => {
    const hooks = [
      { id: 'a', events: ['incident.declared'], include_private: false },
      { id: 'b', events: ['incident.declared'], include_private: true },
      { id: 'c', events: ['page.triggered'], include_private: true },
    ];
    const ids = (isPrivate: boolean, drill = false) =>
      subscribedWebhooks(hooks, 'incident.declared', { isPrivate, drill }).map((w) => w.id);
    expect(ids(false)).toEqual(['a', 'b']);
    expect(ids(true)).toEqual(['b']);
    expect(ids(false, true)).toEqual([]);
  });
});

describe('the webhook body', () => {
  const incident = { id: 7, title: 'DB down', severity: 'sev1', type: null, status: 'triage', isPrivate: false, channelId: 'C1' };

  it('has the documented shape, with the console link', () => {
    const body = JSON.parse(
      webhookBody('incident.declared', new Date('2026-01-05T10:00:00Z'), {
        incident: webhookIncident(incident, 'https://fw.example.com'),
        event: { title: 'DB down' },
      }),
    );
    expect(body).toEqual({
      type: 'incident.declared',
      timestamp: '2026-01-05T10:00:00.000Z',
      data: {
        incident: {
          id: 'INC-7',
          title: 'DB down',
          severity: 'sev1',
          type: null,
          status: 'triage',
          private: false,
          url: 'https://fw.example.com/incidents/INC-7',
          channel: 'C1',
        },
        event: { title: 'DB down' },
      },
    });
    expect(webhookBodySchema.safeParse(body).success).toBe(true);
  });

  it('refuses a body that strays from the schema', () => {
    expect(() => webhookBody('x', new Date(), { incident: { ...webhookIncident(incident, 'http://h'), id: '7' } })).toThrow();
    expect(webhookBodySchema.safeParse({ type: 'x', timestamp: 'yesterday', data: {} }).success).toBe(false);
  });
});

describe('the webhook signature', () => {
  it('verifies independently, for whsec_ secrets and plain ones, and fails for any other body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 48 }), fc.string(), fc.string(), fc.boolean(), (key, body, other, whsec) => {
        const secret = whsec ? `whsec_${Buffer.from(key).toString('base64')}` : Buffer.from(key).toString('hex');
        const headers = { id: 'msg_1', timestamp: '1767607200' };
        const signature = webhookSignature(secret, headers.id, 1767607200, body);
        expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
        expect(verify(secret, { ...headers, signature }, body)).toBe(true);
        if (other !== body) expect(verify(secret, { ...headers, signature }, other)).toBe(false);
      }),
    );
  });

  it('matches the Standard Webhooks reference example', () => {
    // From the Standard Webhooks spec's test vectors.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(webhookSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('what an answer means', () => {
  it('delivers on 2xx, gives up on 4xx but 408 and 429, retries the rest', () => {
    expect([200, 204, 299].map(outcomeOfStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([400, 401, 404, 410, 422].map(outcomeOfStatus)).toEqual(Array(5).fill('final'));
    expect([408, 429, 500, 502, 503, 301].map(outcomeOfStatus)).toEqual(Array(6).fill('retry'));
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('30')).toBe(30_000);
    expect(retryAfterMs(new Date(1_000_000 + 5_000).toUTCString(), 1_000_000)).toBe(5_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('the webhooks config', () => {
  const hook = { id: 'bridge', url: 'https://hooks.example.com/fw', secret: 'whsec_c2VjcmV0', events: ['incident.declared'] };
  const refusal = (webhooks: unknown[]): string => {
    try {
      parseConfig({ webhooks }, 'firewatch.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('reads a webhook with its defaults', () => {
    const config = parseConfig({ webhooks: [hook] }, 'firewatch.yaml');
    expect(config.webhooks).toEqual([{ ...hook, include_private: false, timeout_ms: 10_000 }]);
  });

  it('refuses a URL that is not http or https, naming the field', () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])
      expect(refusal([hook, { ...hook, id: 'b', url }])).toContain('webhooks[1].url');
  });

  it('refuses an unknown event, naming the field and what is allowed', () => {
    const message = refusal([{ ...hook, events: ['incident.declared', 'incident.exploded'] }]);
    expect(message).toContain('webhooks[0].events[1]');
    expect(message).toContain('incident.resolved');
  });

  it('refuses two webhooks with one id', () => {
    expect(refusal([hook, hook])).toContain('webhooks[1].id');
  });
});
