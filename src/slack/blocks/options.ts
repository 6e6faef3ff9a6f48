import type { PlainTextOption } from '@slack/types';
import type { Severity } from '../../config/load.js';
import { truncate } from './text.js';

/** Slack refuses an option whose text is over 75 characters; its value (an id, ≤ 150 by the config schema) is kept whole. */
export const option = (text: string, value: string): PlainTextOption => ({ text: { type: 'plain_text', text: truncate(text, 75) }, value });

export const severityOption = (s: Pick<Severity, 'id' | 'label'>): PlainTextOption => option(`${s.id.toUpperCase()} · ${s.label}`, s.id);
