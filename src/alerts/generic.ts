// Any JSON source: an integration's `fields` say, as JSON pointers, where each part of an alert is.
import type { GenericFields } from '../config/sources.js';
import { parsePointer, resolvePointer } from './json-pointer.js';
import { detailText, title, type NormalizedAlert, type NormalizedBatch } from './payloads.js';

export interface GenericMapping {
  fields: GenericFields;
  /** Status values meaning resolved; every other value is firing. */
  resolvedWhen: string[];
}

/** At most this many alerts in one body: a top-level array is a batch, not a bulk import. */
export const GENERIC_BATCH_MAX = 1000;

export type Mapped = { ok: true; batches: NormalizedBatch[] } | { ok: false; errors: string[] };

type Field = keyof GenericFields;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

class Refused extends Error {}

// Every alert of a body is read with the same few pointers.
const parsedPointers = new Map<string, ReturnType<typeof parsePointer>>();

function lookup(alert: unknown, field: Field, pointer: string): { found: true; value: unknown } | { found: false } {
  let parsed = parsedPointers.get(pointer);
  if (!parsed) {
    parsed = parsePointer(pointer);
    parsedPointers.set(pointer, parsed);
  }
  // The config was validated at start-up: an unparsable pointer cannot reach here.
  if (!parsed.ok) throw new Refused(`field ${field}: ${parsed.message}`);
  return resolvePointer(alert, parsed.tokens);
}

function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return null;
}

/** A required field as text: a string, or a number or boolean written out (Sentry's ids are numbers). */
function requiredText(alert: unknown, field: Field, pointer: string): string {
  const got = lookup(alert, field, pointer);
  if (!got.found) throw new Refused(`field ${field}: ${pointer} is missing from the payload`);
  const text = scalar(got.value);
  if (text === null || text.trim() === '') {
    throw new Refused(`field ${field}: ${pointer} is ${text === null ? kindOf(got.value) : 'empty'}, expected a string or a number`);
  }
  return text;
}

/** An optional field: absent or null is unset, anything else must be text. */
function optionalText(alert: unknown, field: Field, pointer: string | undefined): string | null {
  if (pointer === undefined) return null;
  const got = lookup(alert, field, pointer);
  if (!got.found || got.value === null) return null;
  const text = scalar(got.value);
  if (text === null) throw new Refused(`field ${field}: ${pointer} is ${kindOf(got.value)}, expected a string or a number`);
  return text.trim() === '' ? null : text;
}

/**
 * Labels and annotations from an object of values, or from a list of [key, value] pairs, { key, value } or
 * { name, value } objects (Sentry's tags come in the first two shapes, CloudWatch's alarm dimensions in the last). Values are text as they are, nested values their JSON; the
 * last of a repeated key wins.
 */
function pairs(alert: unknown, field: Field, pointer: string | undefined): Record<string, string> {
  if (pointer === undefined) return {};
  const got = lookup(alert, field, pointer);
  if (!got.found || got.value === null) return {};
  const out: Record<string, string> = {};
  const put = (key: unknown, value: unknown) => {
    const name = scalar(key);
    if (name !== null && name !== '') out[name] = detailText(value);
  };
  const wrongShape = () =>
    new Refused(`field ${field}: ${pointer} is ${kindOf(got.value)}, expected an object of values or a list of [key, value] pairs`);
  if (Array.isArray(got.value)) {
    for (const entry of got.value) {
      if (Array.isArray(entry) && entry.length === 2) put(entry[0], entry[1]);
      else if (entry !== null && typeof entry === 'object' && 'key' in entry && 'value' in entry) put(entry.key, entry.value);
      else if (entry !== null && typeof entry === 'object' && 'name' in entry && 'value' in entry) put(entry.name, entry.value);
      else throw wrongShape();
    }
  } else if (typeof got.value === 'object') {
    for (const [key, value] of Object.entries(got.value)) put(key, value);
  } else {
    throw wrongShape();
  }
  return out;
}

function mapOne(alert: unknown, { fields, resolvedWhen }: GenericMapping, now: Date): { groupKey: string; alert: NormalizedAlert } {
  const alertTitle = requiredText(alert, 'title', fields.title);
  const groupKey = requiredText(alert, 'group', fields.group);
  const status = requiredText(alert, 'status', fields.status);
  const resolved = resolvedWhen.includes(status);
  const severity = optionalText(alert, 'severity', fields.severity);
  return {
    groupKey,
    alert: {
      fingerprint: optionalText(alert, 'fingerprint', fields.fingerprint) ?? groupKey,
      status: resolved ? 'resolved' : 'firing',
      title: title(alertTitle),
      labels: pairs(alert, 'labels', fields.labels),
      annotations: pairs(alert, 'annotations', fields.annotations),
      startsAt: null,
      endsAt: resolved ? now.toISOString() : null,
      link: optionalText(alert, 'link', fields.link),
      sourceSeverity: severity?.trim().toLowerCase() || null,
    },
  };
}

/**
 * A generic payload as batches of one group each: a JSON object is one alert, a top-level array a list of
 * them (each mapped with the same pointers). Every refusal names the field and its pointer.
 */
export function mapGeneric(body: unknown, mapping: GenericMapping, now: Date): Mapped {
  const list = Array.isArray(body) ? body : [body];
  if (list.length > GENERIC_BATCH_MAX)
    return { ok: false, errors: [`at most ${GENERIC_BATCH_MAX} alerts in one body; got ${list.length}`] };
  const errors: string[] = [];
  const groups = new Map<string, NormalizedAlert[]>();
  list.forEach((alert, i) => {
    try {
      const mapped = mapOne(alert, mapping, now);
      const group = groups.get(mapped.groupKey);
      if (group) group.push(mapped.alert);
      else groups.set(mapped.groupKey, [mapped.alert]);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      errors.push(Array.isArray(body) ? `[${i}] ${err.message}` : err.message);
    }
  });
  if (errors.length) return { ok: false, errors };
  const batches = [...groups].map(([groupKey, alerts]) => ({
    groupKey,
    title: alerts[0]!.title,
    sourceSeverity: alerts[0]!.sourceSeverity,
    alerts,
    truncatedAlerts: 0,
  }));
  return { ok: true, batches };
}
