import { z } from 'zod';
import type { Endpoint } from './endpoints.js';
import { ApiError, DeclareRequest, Incident, IncidentList, IncidentSummary, Timeline, TimelineEvent, UpdateRequest } from './schemas.js';

/** The OpenAPI 3.1 document, whose JSON Schemas (draft 2020-12, as 3.1 uses) are generated from the routes' own zod schemas. */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

const NAMED = { ApiError, Incident, IncidentSummary, IncidentList, Timeline, TimelineEvent, DeclareRequest, UpdateRequest } as const;

const ERROR_TEXT: Record<number, string> = {
  400: 'A query parameter, the JSON or a field is wrong; `error.field` names it',
  401: 'No bearer token (or not the configured api_token) and no console session',
  403: 'A console session sent a change without the page’s CSRF token in `x-csrf-token`',
  404: 'No such incident, or a private one the caller is not a member of (the same answer)',
  409: 'The incident takes no such change now',
  413: 'The body is over 64 KiB',
  415: 'The body is not sent as application/json',
};

/** A generated schema as it sits in the document: without `$schema`/`$id`, which belong to a standalone schema. */
function bare(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function components(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  // Requests are described as clients write them (input), answers as Firewatch writes them (output).
  const input = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` }).schemas;
  const output = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}` }).schemas;
  const requests = new Set(['DeclareRequest', 'UpdateRequest']);
  return Object.fromEntries(Object.keys(NAMED).map((id) => [id, bare((requests.has(id) ? input : output)[id] ?? {})]));
}

const ref = (schema: z.ZodType): { $ref: string } => {
  const entry = Object.entries(NAMED).find(([, s]) => s === schema);
  if (!entry) throw new Error('an endpoint names a schema the document does not register');
  return { $ref: `#/components/schemas/${entry[0]}` };
};

const errorResponse = (status: number) => ({
  description: ERROR_TEXT[status] ?? 'An error',
  content: { 'application/json': { schema: ref(ApiError) } },
});

function operation(endpoint: Endpoint): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [];
  if (endpoint.path.includes('{id}')) {
    parameters.push({
      name: 'id',
      in: 'path',
      required: true,
      description: 'The incident, as INC-<n>',
      schema: { type: 'string', pattern: '^INC-[0-9]+$' },
    });
  }
  for (const [name, schema] of Object.entries(endpoint.query ?? {})) {
    const json = bare(z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>);
    parameters.push({
      name,
      in: 'query',
      required: false,
      ...(schema.description ? { description: schema.description } : {}),
      schema: json,
    });
  }
  const responses: Record<string, unknown> = {
    [endpoint.ok.status]: { description: endpoint.ok.description, content: { 'application/json': { schema: ref(endpoint.ok.schema) } } },
  };
  for (const status of endpoint.errors) responses[status] = errorResponse(status);
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    ...(endpoint.description ? { description: endpoint.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(endpoint.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(endpoint.body) } } } } : {}),
    responses,
    ...(endpoint.authenticated ? {} : { security: [] }),
  };
}

export function openApiDocument(endpoints: readonly Endpoint[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {
    '/api/v1/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This document',
        security: [],
        responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
  for (const endpoint of endpoints) (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint);
  return {
    openapi: '3.1.0',
    info: { title: 'Firewatch', version: '1', description: 'Incidents outside Slack, under the same rules as in Slack.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }, { console: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The `api_token` of the config file' },
        console: {
          type: 'apiKey',
          in: 'cookie',
          name: 'firewatch_session',
          description: 'A console session (Sign in with Slack); requests that change something also send `x-csrf-token`',
        },
      },
      schemas: components(),
    },
  };
}
