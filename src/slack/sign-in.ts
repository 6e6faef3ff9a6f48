// Sign in with Slack, the Slack half: the code from the callback is exchanged with openid.connect.token,
// the person read with openid.connect.userInfo, and only a member of the bot's own workspace is let in.
import { WebClient } from '@slack/web-api';
import { idTokenProblem, readIdToken, type SignInVerifier } from '../console/oidc.js';
import type { Env } from '../config/env.js';
import type { Logger } from '../logger.js';
import { platformCode } from './errors.js';
import type { BotIdentityCache } from './identity.js';
import { webClientOptions } from './app.js';

/** What a person is told when Slack refuses the exchange; the codes are those openid.connect.token documents. */
const EXCHANGE_REFUSED: Record<string, string> = {
  invalid_code: 'Slack did not accept the sign-in code (it expired or was already used). Sign in again.',
  invalid_client_id: "Slack does not know this app's SLACK_CLIENT_ID; the administrator needs to check it.",
  bad_client_secret: "Slack refused this app's SLACK_CLIENT_SECRET; the administrator needs to check it.",
  bad_redirect_uri: "Slack refused the redirect URL; the app's OAuth redirect URL must be PUBLIC_URL/auth/slack/callback.",
};

export function slackSignIn(env: Env, logger: Logger, identity: BotIdentityCache, clientId: string, clientSecret: string): SignInVerifier {
  // No bot token: these two methods take the app's client credentials and then the person's own token.
  const client = new WebClient(undefined, webClientOptions(env, logger));
  return async ({ code, redirectUri, nonce }) => {
    try {
      const token = await client.openid.connect.token({
        client_id: clientId,
        client_secret: clientSecret,
        code,
        redirect_uri: redirectUri,
      });
      const problem = idTokenProblem(token.id_token ? readIdToken(token.id_token) : undefined, clientId, nonce);
      if (problem || !token.access_token)
        return { ok: false, status: 403, message: `Sign-in refused: ${problem ?? 'Slack answered without an access token'}.` };
      const info = await client.openid.connect.userInfo({ token: token.access_token });
      const userId = info['https://slack.com/user_id'];
      const teamId = info['https://slack.com/team_id'];
      const own = await identity.get();
      if (!userId || teamId !== own.teamId) {
        const where = info['https://slack.com/team_name'] ?? teamId ?? 'another workspace';
        return {
          ok: false,
          status: 403,
          message: `You signed in to ${where}; this Firewatch belongs to another Slack workspace. Sign in with that workspace's account.`,
        };
      }
      return { ok: true, person: { userId, teamId, name: info.name ?? userId, email: info.email } };
    } catch (err) {
      const code = platformCode(err);
      const known = code === undefined ? undefined : EXCHANGE_REFUSED[code];
      if (known) return { ok: false, status: 403, message: known };
      logger.warn({ err }, 'Sign in with Slack failed');
      return { ok: false, status: 502, message: `Slack did not complete the sign-in (${code ?? 'no answer'}). Try again in a moment.` };
    }
  };
}
