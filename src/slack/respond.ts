import type { KnownBlock } from '@slack/types';

export type ResponseUrlResult = 'sent' | 'gone' | 'transient';

/**
 * Posts an ephemeral answer to a response_url (valid 30 minutes, 5 uses). `gone` means use another route;
 * `transient` means try again later.
 */
export async function postToResponseUrl(
  url: string,
  message: { text: string; blocks?: KnownBlock[] },
  timeoutMs = 10_000,
): Promise<ResponseUrlResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    if (res.ok) return 'sent';
    return res.status >= 500 || res.status === 429 ? 'transient' : 'gone';
  } catch {
    return 'transient';
  }
}
