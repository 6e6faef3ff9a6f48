import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WebClient, type WebAPICallResult } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { authorizeUrl, CALLBACK_PATH, newLoginState } from '../../src/console/oidc.js';
import { EVENT_SCOPES, FEATURE_SCOPES, METHOD_SCOPES, REQUESTED_SCOPES } from '../../src/slack/scopes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const manifest = z
  .object({
    features: z.object({
      app_home: z.object({ messages_tab_enabled: z.boolean(), messages_tab_read_only_enabled: z.boolean() }),
      slash_commands: z.array(z.object({ command: z.string(), url: z.string() })),
    }),
    oauth_config: z.object({
      redirect_urls: z.array(z.string()),
      scopes: z.object({ bot: z.array(z.string()), user: z.array(z.string()) }),
    }),
    settings: z.object({
      event_subscriptions: z.object({ request_url: z.string(), bot_events: z.array(z.string()) }),
      interactivity: z.object({ request_url: z.string() }),
    }),
  })
  .parse(parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')));
const requested = new Set(manifest.oauth_config.scopes.bot);

function sourceText(): string {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? files(full) : e.name.endsWith('.ts') ? [full] : [];
    });
  return files(path.join(ROOT, 'src'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** The Slack method each of @slack/web-api's client functions calls, e.g. `chat.postMessage` for `client.chat.postMessage`. */
function slackMethodOf(path: readonly string[]): string | undefined {
  let called: string | undefined;
  class Recorder extends WebClient {
    override apiCall(method: string): Promise<WebAPICallResult> {
      called = method;
      return Promise.resolve({ ok: true });
    }
  }
  let at: unknown = new Recorder();
  for (const part of path) at = at && typeof at === 'object' && Object.hasOwn(at, part) ? (at as Record<string, unknown>)[part] : undefined;
  // The client's Web API functions are apiCall bound to their method name; anything else (its logger) is not one.
  if (typeof at !== 'function' || at.name !== 'bound apiCall') return undefined;
  void (at as (args: object) => unknown)({});
  return called;
}

/**
 * Every Web API method the source calls: each call chain `a.b.c(`, across line breaks, whose last two or
 * three names are a function of @slack/web-api's client (so `ctx.users.nameOf(` is not one).
 */
function calledMethods(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)+(?=\s*\()/g)) {
    const names = m[0].split(/\s*\??\.\s*/);
    for (const length of [2, 3]) {
      const method = names.length >= length ? slackMethodOf(names.slice(-length)) : undefined;
      if (method) found.add(method);
    }
  }
  for (const m of source.matchAll(/apiCall\(\s*'([a-zA-Z.]+)'/g)) found.add(m[1]!);
  return found;
}

const source = sourceText();
const methods = calledMethods(source);
const listenedEvents = new Set([...source.matchAll(/\.event\(\s*'([a-z_]+)'/g)].map((m) => m[1]!));

describe('the scopes manifest.yml asks for', () => {
  it('finds the Web API calls in the source, those written across lines included', () => {
    expect([...methods]).toEqual(expect.arrayContaining(['auth.test', 'chat.postMessage', 'conversations.history', 'pins.add']));
  });

  it('are the ones the scope table in src/slack/scopes.ts explains', () => {
    expect([...requested].sort()).toEqual([...REQUESTED_SCOPES].sort());
  });

  it('cover every Web API method Firewatch calls, each listed in the scope table', () => {
    const unlisted = [...methods].filter((m) => !Object.hasOwn(METHOD_SCOPES, m));
    expect(unlisted, 'methods called but missing from METHOD_SCOPES').toEqual([]);
    const uncovered = [...methods].flatMap((m) => (METHOD_SCOPES[m] ?? []).filter((s) => !requested.has(s)).map((s) => `${m} needs ${s}`));
    expect(uncovered).toEqual([]);
    // A listed method nothing calls would keep a scope requested for nothing.
    expect(Object.keys(METHOD_SCOPES).filter((m) => !methods.has(m))).toEqual([]);
  });

  it('cover every subscribed bot event, and every event Firewatch listens for is subscribed', () => {
    const subscribed = manifest.settings.event_subscriptions.bot_events;
    expect([...listenedEvents].filter((e) => !subscribed.includes(e))).toEqual([]);
    const unlisted = subscribed.filter((e) => !Object.hasOwn(EVENT_SCOPES, e));
    expect(unlisted, 'events subscribed but missing from EVENT_SCOPES').toEqual([]);
    const uncovered = subscribed.flatMap((e) => (EVENT_SCOPES[e] ?? []).filter((s) => !requested.has(s)).map((s) => `${e} needs ${s}`));
    expect(uncovered).toEqual([]);
  });

  it('include none that no method, event or feature in the table needs', () => {
    const needed = new Set<string>(
      [...Object.values(METHOD_SCOPES), ...Object.values(EVENT_SCOPES), ...Object.values(FEATURE_SCOPES)].flat(),
    );
    expect([...requested].filter((s) => !needed.has(s))).toEqual([]);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(Object.keys(FEATURE_SCOPES));
  });

  it('are each explained in the scope table of the README', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    const explained = new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    expect([...requested].filter((s) => !explained.has(s))).toEqual([]);
  });

  it('come with the Messages tab on and read-only, so DMs from the app reach people', () => {
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: true });
  });
});

describe('Sign in with Slack in manifest.yml', () => {
  // The manifest's placeholder PUBLIC_URL is the origin its Events API URL is on.
  const publicUrl = new URL(manifest.settings.event_subscriptions.request_url).origin;
  const signIn = new URL(
    authorizeUrl({ authorizeUrl: 'https://slack.test/authorize', clientId: 'c', redirectUri: 'r', login: newLoginState() }),
  );

  it('lets Slack send browsers back to <PUBLIC_URL>/auth/slack/callback, the callback /login names', () => {
    expect(CALLBACK_PATH).toBe('/auth/slack/callback');
    expect(manifest.oauth_config.redirect_urls).toContain(`${publicUrl}${CALLBACK_PATH}`);
    // Every URL of the app is on the one PUBLIC_URL, so replacing it once sets them all.
    const urls = [...manifest.features.slash_commands.map((c) => c.url), manifest.settings.interactivity.request_url];
    expect(urls.map((u) => new URL(u).origin)).toEqual(urls.map(() => publicUrl));
  });

  it('asks for exactly the user scopes /login requests: openid, profile and email', () => {
    const asked = (signIn.searchParams.get('scope') ?? '').split(' ');
    expect(asked).toEqual(['openid', 'profile', 'email']);
    expect([...manifest.oauth_config.scopes.user].sort()).toEqual([...asked].sort());
  });
});
