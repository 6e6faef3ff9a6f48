// The emulator's modals answer a submission as Slack does. A stand-in app answers each request with the
// next scripted body and keeps what it was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from './index.js';

let emu: SlackEmulator;
let app: Server;
let slack: WebClient;
const answers: string[] = [];
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  emu = await SlackEmulator.start({ users: [{ id: 'U0ALICE', name: 'alice' }] });
  app = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>);
      const answer = answers.shift() ?? '';
      res.writeHead(200, answer ? { 'content-type': 'application/json' } : {});
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  emu.appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  slack = new WebClient(emu.botToken, { slackApiUrl: emu.url });
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await emu.close();
});

const form = (callbackId: string) => ({
  type: 'modal' as const,
  callback_id: callbackId,
  title: { type: 'plain_text' as const, text: 'Form' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    { type: 'section' as const, block_id: 'intro', text: { type: 'mrkdwn' as const, text: 'Hello' } },
    {
      type: 'input' as const,
      block_id: 'email',
      optional: true,
      label: { type: 'plain_text' as const, text: 'E-mail' },
      element: { type: 'plain_text_input' as const, action_id: 'value', initial_value: 'a@example.com' },
    },
  ],
});

/** Whether every view of the modal's stack is closed. */
const allClosed = (rootId: string) => emu.views.filter((r) => r.root_view_id === rootId).every((r) => r.closed);

async function open(callbackId: string) {
  await slack.views.open({ trigger_id: emu.triggerId({ user: 'U0ALICE' }), view: form(callbackId) });
  return emu.modal('U0ALICE')!;
}

describe('a modal’s submission', () => {
  it('sends the typed values over the initial ones, and an empty answer closes the view', async () => {
    const modal = await open('plain');
    answers.push('');
    await modal.submit({});
    expect(received.at(-1)).toMatchObject({
      type: 'view_submission',
      view: { id: modal.id, callback_id: 'plain', state: { values: { email: { value: { value: 'a@example.com' } } } } },
    });
    expect(modal.closed).toBe(true);
    expect(emu.modal('U0ALICE')?.id).not.toBe(modal.id);
  });

  it('shows errors under input blocks and keeps the view; an error on any other block is not shown, so it throws', async () => {
    const modal = await open('errors');
    answers.push(JSON.stringify({ response_action: 'errors', errors: { email: 'Not an address' } }));
    expect((await modal.submit({ email: 'nope' })).errors).toEqual({ email: 'Not an address' });
    expect(modal.closed).toBe(false);
    answers.push(JSON.stringify({ response_action: 'errors', errors: { intro: 'Wrong' } }));
    await expect(modal.submit({})).rejects.toThrow(/only under input blocks/);
  });

  it('replaces the view on update, checking it like views.update does, and stacks one on push up to three', async () => {
    const modal = await open('stack');
    answers.push(JSON.stringify({ response_action: 'update', view: form('second') }));
    await modal.submit({});
    expect(emu.modal('U0ALICE')?.callbackId).toBe('second');
    answers.push(
      JSON.stringify({ response_action: 'update', view: { ...form('bad'), title: { type: 'plain_text', text: 'x'.repeat(25) } } }),
    );
    await expect(emu.modal('U0ALICE')!.submit({})).rejects.toThrow('invalid_arguments');
    answers.push(JSON.stringify({ response_action: 'push', view: form('third') }));
    await emu.modal('U0ALICE')!.submit({});
    const top = emu.modal('U0ALICE')!;
    expect(top.callbackId).toBe('third');
    expect(top.record.root_view_id).toBe(modal.id);
    answers.push(JSON.stringify({ response_action: 'clear' }));
    await top.submit({});
    expect(allClosed(modal.id)).toBe(true);
  });

  it('clicks a button in a view with a trigger views.push stacks onto it', async () => {
    const modal = await open('button');
    modal.record.view.blocks = [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'Waiting' },
        accessory: { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' }, value: 'v' },
      },
    ];
    await modal.click('more');
    const click = received.at(-1) as { trigger_id: string; container: unknown; actions: Array<{ value: string }> };
    expect(click.container).toEqual({ type: 'view', view_id: modal.id });
    expect(click.actions[0]?.value).toBe('v');
    const pushed = await slack.views.push({ trigger_id: click.trigger_id, view: form('pushed') });
    expect(pushed.view?.root_view_id).toBe(modal.id);
    modal.close();
    expect(allClosed(modal.id)).toBe(true);
  });
});
