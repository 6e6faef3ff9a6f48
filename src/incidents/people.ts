/** People declare incidents; integrations open them from alerts (declared_by `alert:<integration>`). */
export const isPerson = (id: string) => !id.startsWith('alert:');

export const alertActor = (integrationId: string) => `alert:${integrationId}`;
