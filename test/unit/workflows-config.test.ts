import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = {
  escalation_policies: [{ id: 'exec', levels: [{ delay: '5m', targets: [{ user: 'U0CTO' }] }] }],
  services: [{ id: 'payments-api', name: 'Payments API', tier: 1 }],
};

function refusal(workflows: unknown[], extra: Record<string, unknown> = {}): string {
  try {
    parseConfig({ ...base, ...extra, workflows }, 'firewatch.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('workflows in the config', () => {
  it("reads DESIGN.md's example", () => {
    const config = parseConfig(
      {
        ...base,
        checklists: [{ id: 'sev1-basics', steps: ['Name a lead', 'Post the first update', 'Open a status page entry'] }],
        webhooks: [
          {
            id: 'exec-hook',
            url: 'https://hooks.example.com/firewatch',
            secret: 'shh',
            events: ['incident.declared', 'incident.resolved', 'page.triggered'],
          },
        ],
        workflows: [
          {
            id: 'sev1-exec',
            when: 'declared',
            if: { severity: ['sev1'], private: false },
            do: [
              { invite: ['U0123CTO'] },
              { post: { channel: 'C0123EXEC', text: '{{incident.key}} {{incident.title}} ({{incident.severity}})' } },
              { checklist: 'sev1-basics' },
              { webhook: 'exec-hook' },
            ],
          },
          { id: 'quiet', when: 'no_update_for', after: '2s', do: [{ post: { dm: 'lead', text: 'Post an update on {{incident.key}}' } }] },
        ],
      },
      'firewatch.yaml',
    );
    const [first, second] = config.workflows;
    expect(first?.do.map((a) => a.kind)).toEqual(['invite', 'post', 'checklist', 'webhook']);
    expect(first?.do[1]).toMatchObject({ kind: 'post', to: { channel: 'C0123EXEC' } });
    expect(second?.after).toBe(2000);
    expect(second?.do[0]).toMatchObject({ kind: 'post', to: { dm: 'lead' } });
  });

  it('names the file and the field of an unknown policy, role, severity, type, service and action', () => {
    const message = refusal([
      { id: 'a', when: 'declared', do: [{ invite: ['U0A'] }] },
      { id: 'b', when: 'declared', do: [{ invite: ['U0A'] }] },
      {
        id: 'c',
        when: 'declared',
        if: { severity: { at_least: 'sev9' }, type: ['weird'], service: ['nope'] },
        do: [{ invite: ['U0A'] }, { page: 'x' }, { role: { chef: 'U0A' } }, { post: { dm: 'boss', text: 'hi' } }],
      },
    ]);
    expect(message).toContain('firewatch.yaml');
    expect(message).toContain('workflows[2].do[1].page: unknown policy "x"; known: exec');
    expect(message).toContain('workflows[2].do[2].role.chef: unknown role "chef"; known: lead, comms, scribe, ops');
    expect(message).toContain('workflows[2].do[3].post.dm: unknown role "boss"');
    expect(message).toContain('workflows[2].if.severity.at_least: unknown severity "sev9"');
    expect(message).toContain('workflows[2].if.type[0]: unknown type "weird"');
    expect(message).toContain('workflows[2].if.service[0]: unknown service "nope"; known: payments-api');
  });

  it('names an unknown action and lists the known ones', () => {
    expect(refusal([{ id: 'd', when: 'declared', do: [{ launch: 'rockets' }] }])).toContain(
      'workflows[0].do[0].launch: unknown action "launch"; known: invite, page, post, role, bookmark, checklist, followup, webhook',
    );
  });

  it('refuses unknown triggers and conditions, and after where it does not belong or is missing', () => {
    const message = refusal([
      { id: 'a', when: 'exploded', do: [{ invite: ['U0A'] }] },
      { id: 'b', when: 'declared', if: { colour: 'red' }, do: [{ invite: ['U0A'] }] },
      { id: 'c', when: 'declared', after: '5m', do: [{ invite: ['U0A'] }] },
      { id: 'd', when: 'lead_missing_for', do: [{ invite: ['U0A'] }] },
    ]);
    expect(message).toMatch(/workflows\[0\]\.when: .*no_update_for/);
    expect(message).toContain('workflows[1].if: unknown key "colour"');
    expect(message).toContain('workflows[2].after: only the *_for triggers wait');
    expect(message).toContain('workflows[3].after: required for when: lead_missing_for');
  });

  it('stops start-up on an unknown template variable, naming the workflow and field', () => {
    const message = refusal([{ id: 'a', when: 'declared', do: [{ post: { text: 'Hi {{incident.owner}}' } }] }]);
    expect(message).toContain('workflows[0].do[0].post.text: unknown variable "{{incident.owner}}"');
  });

  it('refuses a workflow that triggers itself, and workflows that trigger one another', () => {
    expect(refusal([{ id: 'self', when: 'role_assigned', do: [{ role: { comms: 'U0A' } }] }])).toContain(
      'workflow "self" would trigger itself',
    );
    expect(
      refusal([
        { id: 'a', when: 'declared', do: [{ role: { comms: 'U0A' } }] },
        { id: 'b', when: 'role_assigned', do: [{ role: { scribe: 'U0B' } }] },
        { id: 'c', when: 'role_assigned', do: [{ invite: ['U0C'] }] },
      ]),
    ).toContain('workflow "b" would trigger itself');
  });

  it('accepts triggers whose causes no action has (status_changed, service_added) and a chain that ends', () => {
    const config = parseConfig(
      {
        ...base,
        workflows: [
          { id: 'a', when: 'status_changed', do: [{ role: { comms: 'U0A' } }] },
          { id: 'b', when: 'service_added', do: [{ role: { comms: 'U0A' } }] },
          { id: 'c', when: 'role_assigned', do: [{ invite: ['U0C'] }] },
        ],
      },
      undefined,
    );
    expect(config.workflows).toHaveLength(3);
  });

  it('refuses a checklist or webhook action naming one the file does not have', () => {
    const refusal = () =>
      parseConfig(
        {
          checklists: [{ id: 'y', steps: ['one'] }],
          webhooks: [{ id: 'h', url: 'https://hooks.example.com/x', secret: 'shh', events: ['incident.declared'] }],
          workflows: [{ id: 'a', when: 'declared', do: [{ checklist: 'x' }, { webhook: 'h' }, { webhook: 'nope' }] }],
        },
        'firewatch.yaml',
      );
    expect(refusal).toThrow(/workflows\[0\]\.do\[0\]\.checklist: unknown checklist "x"; known: y/);
    expect(refusal).toThrow(/workflows\[0\]\.do\[2\]\.webhook: unknown webhook "nope"; known: h/);
  });
});
