/**
 * People declare incidents; integrations open them from alerts (declared_by `alert:<integration>`), and
 * holders of the api_token act through the JSON API (`api:API`), workflows act as `workflow:<id>`, the config file
 * as `config:Config`. Slack user ids never hold a colon.
 */
export const isPerson = (id: string) =>
  !id.startsWith('alert:') && !id.startsWith('api:') && !id.startsWith('workflow:') && !id.startsWith('config:');

/** What a workflow did (its page, its role, its follow-up) is done as the workflow. */
export const workflowActor = (workflowId: string) => `workflow:${workflowId}`;

export const alertActor = (integrationId: string) => `alert:${integrationId}`;

/** Who declared or wrote through the JSON API with the api_token: not a person, so invited nowhere and DMed nothing. */
export const API_ACTOR = 'api:API';

/** What the config file's own maintenance windows do (a note, a stopped page) is done as the config. */
export const CONFIG_ACTOR = 'config:Config';

/** What a non-person actor is called: the part after its prefix. */
export const actorName = (id: string) => id.slice(id.indexOf(':') + 1);
