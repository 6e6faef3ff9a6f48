// A person's notification rules as one line of text, the way their settings form in Slack shows and takes them:
// `0m slack push; 2m sms; 5m voice` — each step a delay and the methods used then, steps split by `;`.
import { DURATION_HINT, formatDuration, parseDelay } from '../config/duration.js';
import { CONTACT_METHODS, type ContactMethod, type NotificationRule } from '../config/people.js';

export const RULES_EXAMPLE = '0m slack push; 2m sms; 5m voice';

const isMethod = (word: string): word is ContactMethod => (CONTACT_METHODS as readonly string[]).includes(word);

/** Rules as text: the inverse of parseRulesText for any rules it accepts. */
export function formatRules(rules: readonly NotificationRule[]): string {
  return rules.map((r) => `${r.after === 0 ? '0m' : formatDuration(r.after)} ${r.via.join(' ')}`).join('; ');
}

/** Rules from text; empty text is no rules of one's own (`null`). Methods in `unavailable` are refused, with why. */
export function parseRulesText(
  text: string,
  unavailable: Partial<Record<ContactMethod, string>> = {},
): { ok: true; rules: NotificationRule[] | null } | { ok: false; error: string } {
  const steps = text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (steps.length === 0) return { ok: true, rules: null };
  const rules: NotificationRule[] = [];
  for (const [i, step] of steps.entries()) {
    const [delay = '', ...words] = step.split(/[\s,]+/).filter(Boolean);
    const after = parseDelay(delay);
    const where = steps.length > 1 ? `Step ${i + 1} ("${step}")` : `"${step}"`;
    if (after === null) return { ok: false, error: `${where} must start with a delay: 0m, or ${DURATION_HINT}. Example: ${RULES_EXAMPLE}` };
    if (words.length === 0) return { ok: false, error: `${where} names no method: give one or more of ${CONTACT_METHODS.join(', ')}.` };
    const via: ContactMethod[] = [];
    for (const raw of words) {
      const word = raw.toLowerCase();
      if (!isMethod(word)) return { ok: false, error: `${where}: "${raw}" is not a method. Use ${CONTACT_METHODS.join(', ')}.` };
      const why = unavailable[word];
      if (why) return { ok: false, error: `${where}: ${word} is unavailable on this Firewatch (${why}).` };
      if (!via.includes(word)) via.push(word);
    }
    rules.push({ after, via });
  }
  return { ok: true, rules };
}
