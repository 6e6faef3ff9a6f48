// A person's App Home as they see it: the view last published for them, whose buttons they click. A click
// in a Home tab reaches the app as Slack sends it: a view container, the view, a trigger_id, and no
// response_url (there is no message to answer in).
import { interaction, TEAM_ID, type SignedResponse } from '../slack-requests.js';
import { collectTexts, isObj, type Json } from './args.js';
import type { SlackEmulator } from './server.js';
import type { EmuView } from './types.js';

interface HomeButton {
  label: string;
  actionId: string;
  value: string | undefined;
  blockId: string;
  text: unknown;
}

export class HomeView {
  constructor(
    private readonly slack: SlackEmulator,
    readonly record: EmuView,
  ) {}

  get user(): string {
    return this.record.user ?? '';
  }
  get blocks(): unknown[] {
    return Array.isArray(this.record.view.blocks) ? (this.record.view.blocks as unknown[]) : [];
  }
  /** Every text in the Home, one per line. */
  get content(): string {
    const out: string[] = [];
    collectTexts(this.blocks, out);
    return out.join('\n');
  }

  buttonLabels(): string[] {
    return this.buttons().map((b) => b.label);
  }

  /** Clicks the `nth` button (from 0) labelled `label`; throws, naming the labels there are, when there is none. */
  click(label: string, options: { nth?: number; user?: string } = {}): Promise<SignedResponse> {
    const buttons = this.buttons();
    const button = buttons.filter((b) => b.label === label)[options.nth ?? 0];
    if (!button)
      throw new Error(`no button "${label}" in ${this.user}'s Home; its buttons: ${buttons.map((b) => b.label).join(', ') || 'none'}`);
    const appUrl = this.slack.appUrl;
    if (!appUrl) throw new Error('the emulator does not know the app: set slack.appUrl once it listens');
    const user = options.user ?? this.user;
    const view: Json = { ...this.record.view, id: this.record.id, hash: this.record.hash, team_id: TEAM_ID, state: { values: {} } };
    return interaction(appUrl, {
      type: 'block_actions',
      team: { id: TEAM_ID, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
      api_app_id: this.slack.appId,
      token: 'deprecated-verification-token',
      container: { type: 'view', view_id: this.record.id },
      trigger_id: this.slack.triggerId({ viewId: this.record.id, user }),
      view,
      actions: [
        {
          action_id: button.actionId,
          block_id: button.blockId,
          text: button.text,
          ...(button.value === undefined ? {} : { value: button.value }),
          type: 'button',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
  }

  private buttons(): HomeButton[] {
    return this.blocks.flatMap((block, i) => {
      if (!isObj(block)) return [];
      const elements = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
      const blockId = typeof block.block_id === 'string' ? block.block_id : `b${i}`;
      return elements.flatMap((el) =>
        isObj(el) && el.type === 'button' && typeof el.action_id === 'string' && isObj(el.text)
          ? [
              {
                label: String(el.text.text),
                actionId: el.action_id,
                value: typeof el.value === 'string' ? el.value : undefined,
                blockId,
                text: el.text,
              },
            ]
          : [],
      );
    });
  }
}
