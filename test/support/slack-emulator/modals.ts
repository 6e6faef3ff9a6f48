// A modal as the person sees it: the view on top of its stack, which they fill in and submit, or whose
// buttons they click. The app's answer to a submission acts on the stack the way Slack's does: an empty
// ack closes the view, `errors` shows each message under its input block (and only there), `update`
// replaces the view, `push` stacks a new one (three at most), `clear` closes them all.
import { buttonClickPayload, viewSubmissionPayload, interaction, type SignedResponse } from '../slack-requests.js';
import { Args, isObj, type Json } from './args.js';
import { viewArg } from './block-kit.js';
import { addView, newHash } from './methods/views.js';
import type { SlackEmulator } from './server.js';
import type { EmuView } from './types.js';

type Block = { type?: string; block_id?: string; element?: Json; elements?: Json[]; accessory?: Json };

export interface Submitted {
  response: SignedResponse;
  /** The errors Slack shows under the form's inputs, by block_id, when the app refused the submission. */
  errors: Record<string, string> | undefined;
}

export class ModalView {
  constructor(
    private readonly slack: SlackEmulator,
    readonly record: EmuView,
  ) {}

  get id(): string {
    return this.record.id;
  }
  get view(): Json {
    return this.record.view;
  }
  get callbackId(): string {
    return typeof this.view.callback_id === 'string' ? this.view.callback_id : '';
  }
  get blocks(): Block[] {
    return Array.isArray(this.view.blocks) ? (this.view.blocks as Block[]) : [];
  }
  get closed(): boolean {
    return this.record.closed === true;
  }

  /** Every text in the view, as one string. */
  text(): string {
    return this.slack.textOf({ blocks: this.blocks });
  }

  /** The input's value as it stands before the person types: its initial_value. */
  initial(blockId: string): string | undefined {
    const value = this.input(blockId).element?.initial_value;
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * Submits the form with `typed` over the inputs' initial values (a field left out keeps what it showed),
   * and applies the app's answer to the modal. A select is typed as the value of its option (a multi-select
   * as a list of them) and reaches the app as Slack sends it, `selected_option(s)` with the option's text.
   */
  async submit(typed: Record<string, string | string[]>, user = this.record.user ?? 'U0ALICE'): Promise<Submitted> {
    if (this.closed) throw new Error(`view ${this.id} is closed: nobody can submit it`);
    for (const blockId of Object.keys(typed)) this.input(blockId);
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of this.blocks) {
      if (block.type !== 'input' || !block.block_id || !block.element) continue;
      values[block.block_id] = { [String(block.element.action_id)]: fieldValue(block.element, typed[block.block_id]) };
    }
    const payload = viewSubmissionPayload(this.slack, { ...this.view, id: this.id, hash: this.record.hash }, values, user);
    const response = await interaction(this.appUrl(), payload);
    if (response.status !== 200) throw new Error(`the app answered the submission with ${response.status}: ${response.text}`);
    return { response, errors: this.answer(response) };
  }

  /** The person closes the modal with its ×: every view of its stack goes (the app hears of it only with notify_on_close). */
  close(): void {
    if (this.view.notify_on_close === true) throw new Error('this view asks for view_closed, which the emulator does not send');
    for (const r of this.slack.views) if (r.root_view_id === this.record.root_view_id) r.closed = true;
  }

  /** Clicks a button in the view, with a trigger_id that views.push stacks onto this modal. */
  click(actionId: string, user = this.record.user ?? 'U0ALICE'): Promise<SignedResponse> {
    const payload = buttonClickPayload(this.slack, { channel: '', ts: '', blocks: this.blocks }, actionId, user);
    const { channel: _channel, message: _message, response_url: _url, container: _container, ...rest } = payload;
    return interaction(this.appUrl(), {
      ...rest,
      trigger_id: this.slack.triggerId({ viewId: this.id, user }),
      container: { type: 'view', view_id: this.id },
      view: { ...this.view, id: this.id, hash: this.record.hash, root_view_id: this.record.root_view_id, state: { values: {} } },
    });
  }

  private input(blockId: string): Block {
    const block = this.blocks.find((b) => b.block_id === blockId);
    if (!block || block.type !== 'input') throw new Error(`view ${this.id} has no input block "${blockId}"`);
    return block;
  }

  private appUrl(): string {
    const url = this.slack.appUrl;
    if (!url) throw new Error('the emulator does not know the app: set slack.appUrl once it listens');
    return url;
  }

  private answer(response: SignedResponse): Record<string, string> | undefined {
    const body = response.text === '' ? {} : response.json;
    if (!isObj(body)) throw new Error(`Slack takes an empty body or a JSON response_action, not: ${response.text}`);
    const stack = this.slack.views.filter((r) => r.root_view_id === this.record.root_view_id && !r.closed);
    switch (body.response_action) {
      case undefined:
        this.record.closed = true;
        return undefined;
      case 'errors': {
        const errors = body.errors;
        if (!isObj(errors)) throw new Error('response_action errors needs an errors object');
        const inputs = new Set(this.blocks.filter((b) => b.type === 'input').map((b) => b.block_id));
        for (const key of Object.keys(errors)) {
          if (!inputs.has(key)) throw new Error(`Slack shows errors only under input blocks, and "${key}" is not one of this view's`);
        }
        return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, String(v)]));
      }
      case 'update':
        this.record.view = viewArg(new Args({ view: body.view }), ['modal']);
        this.record.hash = newHash();
        return undefined;
      case 'push':
        if (stack.length >= 3) throw new Error('push_limit_reached: a modal stacks three views at most');
        addView(this.slack, viewArg(new Args({ view: body.view }), ['modal']), this.record.user, this.record.root_view_id, this.id);
        return undefined;
      case 'clear':
        for (const r of stack) r.closed = true;
        return undefined;
      default:
        throw new Error(`Slack knows no response_action "${String(body.response_action)}"`);
    }
  }
}

type Option = { value?: unknown };

/** What Slack sends for one input: a text's value, a select's chosen option(s), which must be among its options. */
function fieldValue(element: Json, typed: string | string[] | undefined): Record<string, unknown> {
  const type = element.type;
  if (type === 'static_select' || type === 'multi_static_select') {
    const options = (Array.isArray(element.options) ? element.options : []) as Option[];
    const pick = (value: string) => {
      const found = options.find((o) => o.value === value);
      if (!found) throw new Error(`the select offers no option "${value}"`);
      return found;
    };
    if (type === 'static_select') {
      const chosen = typed === undefined ? ((element.initial_option as Option | undefined) ?? null) : pick(String(typed));
      return { type, selected_option: chosen };
    }
    const initial = (Array.isArray(element.initial_options) ? element.initial_options : []) as Option[];
    const chosen = typed === undefined ? initial : (Array.isArray(typed) ? typed : [typed]).map(pick);
    return { type, selected_options: chosen };
  }
  const value = typed ?? (typeof element.initial_value === 'string' ? element.initial_value : null);
  return { type, value: value === '' ? null : value };
}
