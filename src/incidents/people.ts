/**
 * People declare incidents; integrations open them from alerts (declared_by `alert:<integration>`), and
 * holders of the api_token act through the JSON API (`api:API`), workflows act as `workflow:<id>`. Slack user ids never hold a colon.
 */
export const isPerson = (id: string) => !id.startsWith('alert:') && !id.startsWith('api:') && !id.startsWith('workflow:');

/** What a workflow did (its page, its role, its follow-up) is done as the workflow. */
export const workflowActor = (workflowId: string) => `workflow:${workflowId}`;

export const alertActor = (integrationId: string) => `alert:${integrationId}`;

/** Who declared or wrote through the JSON API with the api_token: not a person, so invited nowhere and DMed nothing. */
export const API_ACTOR = 'api:API';

/** What a non-person actor is called: the part after its prefix. */
export const actorName = (id: string) => id.slice(id.indexOf(':') + 1);
