// JSON Pointer, RFC 6901 (https://www.rfc-editor.org/rfc/rfc6901): "" is the whole document, every other
// pointer is "/"-separated reference tokens in which "~1" stands for "/" and "~0" for "~".

export type Pointer = readonly string[];

export type ParsedPointer = { ok: true; tokens: Pointer } | { ok: false; message: string };

export const POINTER_HINT =
  'a JSON pointer (RFC 6901) such as /title or /data/issue/id: "" or "/" followed by keys, "~1" for "/" and "~0" for "~"';

/** The reference tokens of a pointer, or why it is not one. */
export function parsePointer(text: string): ParsedPointer {
  if (text === '') return { ok: true, tokens: [] };
  if (!text.startsWith('/')) return { ok: false, message: `"${text}" does not start with "/"` };
  // A "~" followed by anything but 0 or 1 is not a pointer (section 3's escaped = "~" ( "0" / "1" )).
  const badEscape = /~(?![01])/.exec(text);
  if (badEscape) return { ok: false, message: `"${text}" has a "~" at character ${badEscape.index + 1} not followed by 0 or 1` };
  // ~1 first, then ~0, so "~01" becomes "~1" and not "/" (section 4).
  return {
    ok: true,
    tokens: text
      .slice(1)
      .split('/')
      .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~')),
  };
}

/** The pointer text of reference tokens, the inverse of parsePointer. */
export function formatPointer(tokens: Pointer): string {
  return tokens.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export type Resolved = { found: true; value: unknown } | { found: false };

// Section 4: an array index is "0" or digits without a leading zero; "-" names the element after the last,
// which never exists when reading.
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** The value a pointer refers to in a parsed JSON document; found: false when it refers to nothing. */
export function resolvePointer(document: unknown, tokens: Pointer): Resolved {
  let current: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(token)) return { found: false };
      const index = Number(token);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      // Own keys only: "/constructor" names nothing in {}.
      if (!Object.hasOwn(current, token)) return { found: false };
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
