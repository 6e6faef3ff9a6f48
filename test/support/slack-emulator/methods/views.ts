// views.*: modals stacked by trigger_id, and App Home tabs.
import { randomBytes } from 'node:crypto';
import { type Args, fail, type Handler, invalidArguments, type Json, nowSec } from '../args.js';
import { viewArg } from '../block-kit.js';
import type { EmuView } from '../types.js';
import type { Workspace } from '../workspace.js';

export function viewsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'views.open': (a) => {
      const t = exchangeTrigger(ws, a);
      const view = viewArg(a, ['modal']);
      checkExternalId(ws, view);
      t.used = true;
      return { view: viewJson(ws, addView(ws, view, t.user)) };
    },

    'views.push': (a) => {
      const t = exchangeTrigger(ws, a);
      const view = viewArg(a, ['modal']);
      // The trigger's own view when known, else the modal opened last.
      const from = ws.views.find((r) => r.id === t.viewId) ?? ws.views.filter((r) => r.view.type === 'modal').at(-1);
      if (!from) fail('not_found');
      const stack = ws.views.filter((r) => r.root_view_id === from.root_view_id);
      if (stack.length >= 3) fail('push_limit_reached');
      checkExternalId(ws, view);
      t.used = true;
      return { view: viewJson(ws, addView(ws, view, from.user ?? t.user, from.root_view_id, stack.at(-1)?.id)) };
    },

    'views.update': (a) => {
      const id = a.str('view_id');
      const ext = a.str('external_id');
      if (!id && !ext) invalidArguments(['[ERROR] missing required field: view_id']);
      const r = ws.views.find((x) => (id ? x.id === id : x.view.external_id === ext));
      if (!r) fail('not_found');
      const view = viewArg(a, ['modal', 'home']);
      const hash = a.str('hash');
      if (hash && hash !== r.hash) fail('hash_conflict');
      checkExternalId(ws, view, r.id);
      r.view = view;
      r.hash = newHash();
      return { view: viewJson(ws, r) };
    },

    'views.publish': (a) => {
      const user = a.str('user_id');
      if (!user) invalidArguments(['[ERROR] missing required field: user_id']);
      if (!ws.userExists(user)) fail('user_not_found');
      const view = viewArg(a, ['home']);
      if (!ws.homeTabEnabled) fail('not_enabled');
      const existing = ws.views.find((r) => r.user === user && r.view.type === 'home');
      const hash = a.str('hash');
      if (hash && existing && hash !== existing.hash) fail('hash_conflict');
      ws.homePublishes.push({ user, view, at: Date.now() });
      if (!existing) return { view: viewJson(ws, addView(ws, view, user)) };
      existing.view = view;
      existing.hash = newHash();
      return { view: viewJson(ws, existing) };
    },
  };
}

function exchangeTrigger(ws: Workspace, a: Args): { viewId?: string; user?: string; used: boolean } {
  const id = a.str('trigger_id');
  if (!id) invalidArguments(['[ERROR] missing required field: trigger_id']);
  const t = ws.triggers.get(id);
  if (!t) fail('invalid_trigger_id');
  if (t.used) fail('exchanged_trigger_id');
  if (Date.now() - t.issued > ws.triggerTtlMs) fail('expired_trigger_id');
  return t;
}

function checkExternalId(ws: Workspace, v: Json, selfId?: string): void {
  if (typeof v.external_id !== 'string' || v.external_id === '') return;
  if (ws.views.some((x) => x.id !== selfId && x.view.external_id === v.external_id)) fail('duplicate_external_id');
}

function viewJson(ws: Workspace, r: EmuView): Json {
  const v = r.view;
  return {
    id: r.id,
    team_id: ws.teamId,
    type: v.type,
    ...(v.title !== undefined ? { title: v.title } : {}),
    ...(v.submit !== undefined ? { submit: v.submit } : {}),
    ...(v.close !== undefined ? { close: v.close } : {}),
    blocks: v.blocks,
    private_metadata: v.private_metadata ?? '',
    callback_id: v.callback_id ?? '',
    external_id: v.external_id ?? '',
    state: { values: {} },
    hash: r.hash,
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    root_view_id: r.root_view_id,
    previous_view_id: r.previous_view_id ?? null,
    app_id: ws.appId,
    app_installed_team_id: ws.teamId,
    bot_id: ws.botId,
  };
}

export function addView(ws: Workspace, view: Json, user: string | undefined, root?: string, previous?: string): EmuView {
  const id = ws.newId('V', (x) => ws.views.some((r) => r.id === x));
  const r: EmuView = { id, hash: newHash(), view, user, root_view_id: root ?? id, previous_view_id: previous };
  ws.views.push(r);
  return r;
}

export function newHash(): string {
  return `${nowSec()}.${randomBytes(4).toString('hex')}`;
}
