export const STATUSES = ['triage', 'investigating', 'identified', 'monitoring', 'resolved', 'closed', 'declined'] as const;
export type Status = (typeof STATUSES)[number];

export function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}
