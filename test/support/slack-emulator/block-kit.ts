// Block Kit limits as Slack enforces them on chat.* blocks and views.*, reported in Slack's words.
import { type Args, fail, invalidArguments, isObj, type Json, textLength } from './args.js';

const MESSAGE_BLOCKS_MAX = 50;
const VIEW_BLOCKS_MAX = 100;
const VIEW_MAX_BYTES = 250 * 1024;
const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);

const CONFIRM_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['title', 100],
  ['text', 300],
  ['confirm', 30],
  ['deny', 30],
];
/** Elements made of options: how many they take, and whether option text must be plain_text. */
const OPTION_COUNTS: Readonly<Record<string, { min: number; max: number; plainOnly: boolean; groups: boolean }>> = {
  static_select: { min: 1, max: 100, plainOnly: true, groups: true },
  multi_static_select: { min: 1, max: 100, plainOnly: true, groups: true },
  overflow: { min: 1, max: 5, plainOnly: true, groups: false },
  checkboxes: { min: 1, max: 10, plainOnly: false, groups: false },
  radio_buttons: { min: 1, max: 10, plainOnly: false, groups: false },
};

/** Block Kit checks, reported as Slack's "[ERROR] … [json-pointer:…]" messages. */
function blockErrors(blocks: unknown[], base: string, max: number): string[] {
  const errs: string[] = [];
  const e = (msg: string, ptr: string): void => {
    errs.push(`[ERROR] ${msg} [json-pointer:${ptr}]`);
  };
  const limit = (t: unknown, max: number, ptr: string): void => {
    if (!isObj(t)) return;
    const len = textLength(t);
    if (len === 0) e('must be more than 0 characters', `${ptr}/text`);
    if (len > max) e(`must be less than ${max + 1} characters`, `${ptr}/text`);
  };
  /** A text object that must be plain_text (titles, labels, buttons, select options…), within `max` characters. */
  const plain = (t: unknown, max: number, ptr: string): void => {
    if (!isObj(t)) {
      e('must be a plain_text object', ptr);
      return;
    }
    if (t.type !== 'plain_text') e('must be a plain_text object', `${ptr}/type`);
    limit(t, max, ptr);
  };
  const required = (parent: Json, key: string, ptr: string): boolean => {
    if (parent[key] !== undefined) return true;
    e(`missing required field: ${key}`, ptr);
    return false;
  };
  // The confirmation dialog: all four fields plain_text, with their own limits.
  const confirm = (c: unknown, ptr: string): void => {
    if (c === undefined) return;
    if (!isObj(c)) {
      e('must be an object', ptr);
      return;
    }
    for (const [key, max] of CONFIRM_FIELDS) if (required(c, key, ptr)) plain(c[key], max, `${ptr}/${key}`);
  };
  // An option: plain_text in menus (checkboxes and radio buttons also take mrkdwn), text ≤ 75, value ≤ 150.
  const option = (o: unknown, ptr: string, plainOnly: boolean): void => {
    if (!isObj(o)) {
      e('must be an object', ptr);
      return;
    }
    if (required(o, 'text', ptr)) {
      if (plainOnly) plain(o.text, 75, `${ptr}/text`);
      else limit(o.text, 75, `${ptr}/text`);
    }
    if (required(o, 'value', ptr) && (typeof o.value !== 'string' || o.value.length > 150))
      e('must be less than 151 characters', `${ptr}/value`);
    if (o.description !== undefined) plain(o.description, 75, `${ptr}/description`);
  };
  const element = (el: unknown, ptr: string): void => {
    if (!isObj(el)) return;
    if (typeof el.action_id === 'string' && el.action_id.length > 255) e('must be less than 256 characters', `${ptr}/action_id`);
    if (el.type === 'button') {
      if (required(el, 'text', ptr)) plain(el.text, 75, `${ptr}/text`);
      if (typeof el.value === 'string' && el.value.length > 2000) e('must be less than 2001 characters', `${ptr}/value`);
    }
    if (el.placeholder !== undefined) plain(el.placeholder, 150, `${ptr}/placeholder`);
    confirm(el.confirm, `${ptr}/confirm`);
    const counts = typeof el.type === 'string' ? OPTION_COUNTS[el.type] : undefined;
    if (!counts) return;
    if (el.options === undefined && el.option_groups !== undefined && counts.groups) return;
    if (!Array.isArray(el.options)) {
      e('missing required field: options', ptr);
      return;
    }
    const options: unknown[] = el.options;
    if (options.length < counts.min) e(`must provide an array of at least ${counts.min} items`, `${ptr}/options`);
    if (options.length > counts.max) e(`must provide an array of no more than ${counts.max} items`, `${ptr}/options`);
    options.forEach((o, i) => {
      option(o, `${ptr}/options/${i}`, counts.plainOnly);
    });
  };
  if (blocks.length > max) e(`no more than ${max} items allowed`, base);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const p = `${base}/${i}`;
    if (!isObj(b) || typeof b.type !== 'string') {
      e('missing required field: type', p);
      return;
    }
    if (!BLOCK_TYPES.has(b.type)) {
      e(`unsupported type: ${b.type}`, `${p}/type`);
      return;
    }
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) e(`non-unique block_id: ${b.block_id}`, `${p}/block_id`);
      if (b.block_id.length > 255) e('must be less than 256 characters', `${p}/block_id`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        if (!isObj(b.text)) e('missing required field: text', p);
        else if (b.text.type !== 'plain_text') e('must be a plain_text object', `${p}/text/type`);
        limit(b.text, 150, `${p}/text`);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) e('must provide either text or fields', p);
        limit(b.text, 3000, `${p}/text`);
        if (Array.isArray(b.fields)) {
          if (b.fields.length > 10) e('must provide an array of no more than 10 items', `${p}/fields`);
          b.fields.forEach((f, j) => {
            limit(f, 2000, `${p}/fields/${j}`);
          });
        }
        element(b.accessory, `${p}/accessory`);
        break;
      case 'actions': {
        const els: unknown[] = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0) e('must provide an array of at least 1 items', `${p}/elements`);
        if (els.length > 25) e('must provide an array of no more than 25 items', `${p}/elements`);
        const actionIds = new Set<string>();
        els.forEach((el, j) => {
          element(el, `${p}/elements/${j}`);
          if (isObj(el) && typeof el.action_id === 'string') {
            if (actionIds.has(el.action_id)) e(`non-unique action_id: ${el.action_id}`, `${p}/elements/${j}/action_id`);
            actionIds.add(el.action_id);
          }
        });
        break;
      }
      case 'context':
        if (Array.isArray(b.elements) && b.elements.length > 10) e('must provide an array of no more than 10 items', `${p}/elements`);
        break;
      case 'input':
        if (required(b, 'label', p)) plain(b.label, 2000, `${p}/label`);
        if (b.hint !== undefined) plain(b.hint, 2000, `${p}/hint`);
        if (!isObj(b.element)) e('missing required field: element', p);
        element(b.element, `${p}/element`);
        break;
    }
  });
  return errs;
}

/** The blocks argument: absent, or an array within Block Kit limits (errors as chat.* reports them). */
export function messageBlocks(a: Args): unknown[] | undefined {
  const raw = a.get('blocks');
  if (raw === undefined || raw === '') return undefined;
  if (!Array.isArray(raw)) fail('invalid_blocks_format');
  const blocks: unknown[] = raw;
  const errors = blockErrors(blocks, '/blocks', MESSAGE_BLOCKS_MAX);
  if (errors.length)
    fail('invalid_blocks', { errors: errors.map((m) => m.replace(/^\[ERROR\] /, '')), response_metadata: { messages: errors } });
  return blocks;
}

export function viewArg(a: Args, types: string[]): Json {
  const v = a.get('view');
  if (v === undefined) invalidArguments(['[ERROR] missing required field: view']);
  if (!isObj(v)) invalidArguments(['[ERROR] failed to match all allowed schemas [json-pointer:/view]']);
  if (Buffer.byteLength(JSON.stringify(v)) > VIEW_MAX_BYTES) fail('view_too_large');
  const errs: string[] = [];
  const e = (msg: string, ptr: string): void => {
    errs.push(`[ERROR] ${msg} [json-pointer:/view${ptr}]`);
  };
  const plain = (t: unknown, name: string, required: boolean): void => {
    if (t === undefined) {
      if (required) e(`missing required field: ${name}`, '');
      return;
    }
    if (!isObj(t) || t.type !== 'plain_text') e('must be a plain_text object', `/${name}`);
    const len = textLength(t);
    if (len === 0) e('must be more than 0 characters', `/${name}/text`);
    if (len > 24) e('must be less than 25 characters', `/${name}/text`);
  };
  if (typeof v.type !== 'string' || !types.includes(v.type)) e(`must be one of: ${types.join(', ')}`, '/type');
  if (v.type === 'modal') {
    plain(v.title, 'title', true);
    plain(v.submit, 'submit', false);
    plain(v.close, 'close', false);
  }
  if (!Array.isArray(v.blocks)) e('missing required field: blocks', '');
  else {
    const blocks: unknown[] = v.blocks;
    errs.push(...blockErrors(blocks, '/view/blocks', VIEW_BLOCKS_MAX));
    if (v.type === 'modal' && v.submit === undefined && blocks.some((b) => isObj(b) && b.type === 'input')) {
      e('must provide a submit property when using input blocks', '');
    }
  }
  if (v.private_metadata !== undefined && (typeof v.private_metadata !== 'string' || v.private_metadata.length > 3000)) {
    e('must be less than 3001 characters', '/private_metadata');
  }
  for (const k of ['callback_id', 'external_id']) {
    const s = v[k];
    if (typeof s === 'string' && s.length > 255) e('must be less than 256 characters', `/${k}`);
  }
  if (errs.length) invalidArguments(errs);
  return v;
}
