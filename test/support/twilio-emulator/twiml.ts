/** What a call does with the TwiML it is given: what it says, and where pressed digits go. */
export interface TwimlPlan {
  says: string[];
  gather?: { action: string; method: string; numDigits: number | undefined };
  hangup: boolean;
}

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Reads a TwiML document as a call would; throws on what Twilio refuses with error 12100 (not a
 * `<Response>` document) so a test sees the caller would have heard "an application error has occurred".
 */
export function readTwiml(xml: string, base: string): TwimlPlan {
  const body = xml.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  if (!/^<Response\s*>[\s\S]*<\/Response>$|^<Response\s*\/>$/.test(body))
    throw new Error('12100 Document parse failure: expected a <Response> document');
  const says = [...body.matchAll(/<Say\b[^>]*>([\s\S]*?)<\/Say>/g)].map((m) => unescape(m[1]!.trim()));
  const gatherTag = /<Gather\b[^>]*>/.exec(body)?.[0];
  const gather = gatherTag
    ? {
        action: new URL(unescape(attribute(gatherTag, 'action') ?? ''), base).toString(),
        method: (attribute(gatherTag, 'method') ?? 'POST').toUpperCase(),
        numDigits: attribute(gatherTag, 'numDigits') === undefined ? undefined : Number(attribute(gatherTag, 'numDigits')),
      }
    : undefined;
  return { says, ...(gather ? { gather } : {}), hangup: /<Hangup\s*\/>/.test(body) };
}
