import type { Logger } from '../logger.js';
import { REQUESTED_SCOPES, SCOPE_CONSEQUENCES, type BotScope } from './scopes.js';

export interface MissingScope {
  scope: BotScope;
  /** What stops working without it. */
  consequence: string;
}

const REINSTALL = 'reinstall the app from manifest.yml';

/** "pins:read — pinning with Slack's pin does not reach the timeline" */
export function describeMissing({ scope, consequence }: MissingScope): string {
  return `${scope} — ${consequence}`;
}

/**
 * The install's self-check: the scopes Slack says the bot token was granted (x-oauth-scopes, on every Web
 * API answer) against those manifest.yml asks for. An install made from an older manifest, or edited by
 * hand, lacks some; Firewatch keeps running and says what will not work. The check runs again whenever the
 * granted scopes change (a reinstall), and an outage only means it has not run yet.
 */
export class InstallCheck {
  private lastGranted: string | undefined;
  private missingScopes: readonly MissingScope[] | undefined;

  constructor(private readonly logger: Logger) {}

  /** The granted scopes of one Slack answer; logs the missing ones when they differ from the last answer's. */
  observe(granted: readonly string[]): void {
    const key = granted.join(',');
    if (key === this.lastGranted) return;
    this.lastGranted = key;
    const have = new Set(granted);
    this.missingScopes = REQUESTED_SCOPES.filter((scope) => !have.has(scope)).map((scope) => ({
      scope,
      consequence: SCOPE_CONSEQUENCES[scope],
    }));
    if (this.missingScopes.length === 0) {
      this.logger.info('Slack granted every scope manifest.yml asks for');
      return;
    }
    for (const missing of this.missingScopes) {
      this.logger.warn({ scope: missing.scope }, `Slack did not grant the scope ${describeMissing(missing)}; ${REINSTALL}`);
    }
  }

  /** The scopes Slack did not grant, or undefined while no Slack answer has said. */
  missing(): readonly MissingScope[] | undefined {
    return this.missingScopes;
  }

  /** The check's result for /healthz, below its status line: nothing when every scope is granted. */
  healthLines(): string[] {
    const missing = this.missingScopes;
    if (!missing) return ['Slack scopes: not checked yet, Slack has not answered'];
    if (missing.length === 0) return [];
    return [`Slack did not grant ${missing.length} of the scopes manifest.yml asks for; ${REINSTALL}:`, ...missing.map(describeMissing)];
  }
}
