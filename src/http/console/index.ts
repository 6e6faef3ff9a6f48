// The console: sign-in, its assets and its pages, or, unconfigured, pages that say how to configure it.
import type { Route } from '../server.js';
import { assetRoutes } from './assets.js';
import type { ConsoleContext } from './context.js';
import { consolePages } from './pages.js';
import { notConfiguredRoutes, signInRoutes, type ConsoleSignIn } from './sign-in.js';

export type ConsoleOptions = (ConsoleContext & { secret: string; signIn: ConsoleSignIn }) | undefined;

export function consoleRoutes(options: ConsoleOptions): Route[] {
  if (!options) return [...notConfiguredRoutes(), ...assetRoutes()];
  return [...signInRoutes(options), ...assetRoutes(), ...consolePages(options)];
}
