// Posts to Firewatch's Alertmanager webhook as Alertmanager does: its v4 body around the given alerts.

export interface TestAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  fingerprint: string;
  status?: 'firing' | 'resolved';
}

/** Alertmanager's webhook body (version 4) for one group of alerts. */
export function alertmanagerBody(groupKey: string, alerts: readonly TestAlert[]) {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: 'firewatch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: new Date().toISOString(),
      endsAt: a.status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      fingerprint: a.fingerprint,
    })),
  };
}

/** POST /webhooks/alertmanager/<integration> with the integration's token; answers the response. */
export function postAlertmanager(
  appUrl: string,
  token: string,
  groupKey: string,
  alerts: readonly TestAlert[],
  integration = 'prom',
): Promise<Response> {
  return fetch(`${appUrl}/webhooks/alertmanager/${integration}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(alertmanagerBody(groupKey, alerts)),
  });
}
