import type { NotificationAttempt, PageNotification } from '../../db/schema.js';

const NAMES = { email: 'e-mail', sms: 'SMS', voice: 'call', push: 'push' } as const;

/** "3s", "2m03s": how long after the page reached the person. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * A notification's receipt, compact: "Slack · push 1s · SMS delivered 2m03s · acked by SMS 2m40s". Each
 * attempt says how far it came and when, counted from when the page first reached the person.
 */
export function receiptText(
  notification: Pick<PageNotification, 'createdAt' | 'dmTs' | 'dmError'>,
  attempts: readonly NotificationAttempt[],
): string {
  const since = (at: Date | null) => (at ? ` ${elapsed(at.getTime() - notification.createdAt.getTime())}` : '');
  const slack = notification.dmTs ? 'Slack' : notification.dmError ? 'Slack failed' : 'Slack sending';
  const parts = attempts.map((a) => {
    const name = NAMES[a.method];
    switch (a.state) {
      case 'pending':
        return `${name} at${since(a.dueAt)}`;
      case 'queued':
        return `${name} sending`;
      case 'sent':
        return `${name}${since(a.sentAt)}`;
      case 'delivered':
        return `${name} delivered${since(a.deliveredAt)}`;
      case 'failed':
        return `${name} failed`;
      case 'no_answer':
        return `${name} no answer`;
      case 'acknowledged':
        return `acked by ${name}${since(a.updatedAt)}`;
      case 'cancelled':
        return `${name} not needed`;
      case 'skipped':
        return `${name} skipped`;
    }
  });
  return [slack, ...parts].join(' · ');
}
