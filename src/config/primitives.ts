// The field shapes every part of the config file shares.
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration.js';

/** A duration such as 30s, 15m or 1d, read as milliseconds. */
export const duration = z.string({ message: `expected a duration: ${DURATION_HINT}` }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a duration: ${DURATION_HINT}; got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

/** An id the file gives a severity, policy, schedule, integration…, as other keys refer to it. */
export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lowercase letters, digits, "-" and "_" (e.g. sev1, primary)');
