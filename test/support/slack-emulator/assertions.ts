// What tests read and do through the emulator, as a person in Slack would see and click it, so they need
// not know how the workspace keeps its records.
import { clickButton, type SignedResponse } from '../slack-requests.js';
import { collectTexts, isObj } from './args.js';
import type { SlackEmulator } from './server.js';
import type { EmuMessage } from './types.js';

export interface ClickOptions {
  user?: string;
  /** Where the app's answer to this click goes; a fresh one for the clicking user by default. */
  responseUrl?: string;
}

export class ButtonView {
  constructor(
    private readonly slack: SlackEmulator,
    private readonly message: MessageView,
    readonly actionId: string,
    readonly value: string | undefined,
  ) {}

  /** Sends the signed block_actions request Slack sends the app when a person clicks the button. */
  click(options: ClickOptions = {}): Promise<SignedResponse> {
    const appUrl = this.slack.appUrl;
    if (!appUrl) throw new Error('the emulator does not know the app: set slack.appUrl once it listens');
    return clickButton(appUrl, this.slack, this.message, this.actionId, options.user, options.responseUrl);
  }
}

/** A message as it stands now (edits show), read through its record. */
export class MessageView {
  constructor(
    private readonly slack: SlackEmulator,
    private readonly record: EmuMessage,
  ) {}

  get channel(): string {
    return this.record.channel;
  }
  get ts(): string {
    return this.record.ts;
  }
  get text(): string {
    return this.record.text;
  }
  get blocks(): unknown[] {
    return this.record.blocks;
  }
  get user(): string {
    return this.record.user;
  }
  get threadTs(): string | undefined {
    return this.record.thread_ts;
  }
  get metadata(): unknown {
    return this.record.metadata;
  }
  /** How many times the message was edited. */
  get edits(): number {
    return this.record.edited;
  }
  /** The text and every text in its blocks, one per line: what a person reads. */
  get content(): string {
    const out: string[] = this.record.text ? [this.record.text] : [];
    collectTexts(this.record.blocks, out);
    return out.join('\n');
  }

  /** The button whose visible label is `label`; throws, naming the labels there are, when none is. */
  button(label: string): ButtonView {
    const buttons = this.buttons();
    const found = buttons.find((b) => b.label === label);
    if (!found)
      throw new Error(`no button "${label}" in message ${this.ts}; its buttons: ${buttons.map((b) => b.label).join(', ') || 'none'}`);
    return new ButtonView(this.slack, this, found.actionId, found.value);
  }

  /** The visible labels of its buttons, in order. */
  buttonLabels(): string[] {
    return this.buttons().map((b) => b.label);
  }

  private buttons(): Array<{ label: string; actionId: string; value: string | undefined }> {
    const out: Array<{ label: string; actionId: string; value: string | undefined }> = [];
    for (const block of this.record.blocks) {
      if (!isObj(block)) continue;
      const elements = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
      for (const el of elements) {
        if (!isObj(el) || el.type !== 'button' || typeof el.action_id !== 'string' || !isObj(el.text)) continue;
        out.push({
          label: String(el.text.text),
          actionId: el.action_id,
          value: typeof el.value === 'string' ? el.value : undefined,
        });
      }
    }
    return out;
  }
}

export class ChannelView {
  constructor(
    private readonly slack: SlackEmulator,
    readonly id: string,
  ) {}

  /** Its messages and thread replies, oldest first, without deleted ones. */
  messages(): MessageView[] {
    return this.slack.messagesIn(this.id).map((m) => new MessageView(this.slack, m));
  }

  /** The messages pinned in it, in the order they were pinned. */
  pins(): MessageView[] {
    return this.slack.pins
      .filter((p) => p.channel === this.id)
      .flatMap((p) => {
        const m = this.slack.messagesIn(this.id).find((x) => x.ts === p.ts);
        return m ? [new MessageView(this.slack, m)] : [];
      });
  }
}

/** The bot's DM with one person. */
export class DmView {
  constructor(
    private readonly slack: SlackEmulator,
    readonly user: string,
  ) {}

  messages(): MessageView[] {
    return this.slack.messages
      .filter((m) => {
        const c = this.slack.channels.get(m.channel);
        return !m.deleted && c?.is_im === true && c.user === this.user;
      })
      .map((m) => new MessageView(this.slack, m));
  }
}
