// Sign in with Slack in a real browser: /login goes to the emulator's authorize page, choosing a person
// there comes back signed in, and the Sign out button (a CSRF-checked form) signs out.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Firewatch } from '../../src/firewatch.js';
import { startApp, startEmulator } from '../support/app.js';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { consoleEnv } from '../support/console.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';

let emu: SlackEmulator;
let database: TestDatabase;
let app: Firewatch;
let browser: Browser | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  emu = await startEmulator();
  app = await startApp(emu, database.database, undefined, await consoleEnv(emu));
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await emu?.close();
  await database?.destroy();
});

describe.runIf(hasBrowser)('signing in to the console in a browser', () => {
  it('goes to Slack, comes back signed in, and signs out', async () => {
    const tab = await (await testContext(browser!)).newPage();
    await tab.goto(`${app.url}/`);
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Sign in to Firewatch Test');
    await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
    await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');
    expect(tab.url()).toBe(`${app.url}/`);
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-home');
    const cookies = await tab.context().cookies(app.url);
    expect(cookies.find((c) => c.name === 'firewatch_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await tab.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => tab.locator('h1').textContent()).toBe('You are signed out');
    await tab.goto(`${app.url}/`);
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Sign in to Firewatch Test');
    await tab.close();
  });
});
