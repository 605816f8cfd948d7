// What every operation of the generated OpenAPI document shares, added in one place so that
// routes written by hand and routes mounted from operations are documented alike.
import { Problem } from '../../schemas/common.js';
import { REQUEST_ID_HEADER, SERVED_BY_HEADER } from './headers.js';
import { PROBLEM_JSON } from './problems.js';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Paths that need `Authorization: Bearer` when API_KEYS is set (API.md §6); the rest are open. */
const isProtected = (path: string) => path.startsWith('/v1/') || path === '/rpc';

const TAGS: Record<string, string> = {
  compute: 'Stateless computations on a network sent with the request (API.md §3).',
  grading: 'Gradient checking and comparison of a submitted gradient, for autograders (API.md §3).',
  sessions: 'Gradient descent held server-side (API.md §4).',
  'json-rpc': 'JSON-RPC 2.0: the same operations as methods (API.md §5).',
  operations: 'Health, readiness, versions and metrics (API.md §7).',
};

export function decorateOpenApi(document: Json): Json {
  const paths: Json = document.paths ?? {};
  const usedTags = new Set<string>();
  for (const path of Object.keys(paths)) {
    for (const method of METHODS) {
      const operation = paths[path][method];
      if (!operation) continue;
      for (const tag of operation.tags ?? []) usedTags.add(tag);
      decorateOperation(operation, path, isProtected(path));
    }
  }
  hoistProblemSchema(document);
  // Sorted paths: the committed file does not depend on the order in which routes were registered.
  document.paths = Object.fromEntries(Object.keys(paths).sort().map((path) => [path, paths[path]]));
  const tags = [...usedTags].sort().map((name) => (TAGS[name] ? { name, description: TAGS[name] } : { name }));
  if (tags.length) document.tags = tags;
  return document;
}

function decorateOperation(operation: Json, path: string, secured: boolean): void {
  if (!secured) operation.security = [];
  const parameters: Json[] = operation.parameters ?? [];
  if (!parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'x-request-id')) {
    parameters.push({
      in: 'header', name: REQUEST_ID_HEADER.name, required: false,
      description: REQUEST_ID_HEADER.description, schema: { type: 'string', pattern: '^[\\w.:\\-]{1,128}$' },
    });
  }
  operation.parameters = parameters;

  const responses: Json = operation.responses ?? {};
  for (const [status, response] of Object.entries(responses) as Array<[string, Json]>) {
    // A route that declared a bare Problem schema for an error still answers application/problem+json.
    const media = response.content?.['application/json'];
    if (/^[45]/.test(status) && media && JSON.stringify(media.schema) === JSON.stringify(Problem) && Object.keys(response.content).length === 1) {
      response.content = { [PROBLEM_JSON]: media };
    }
  }
  // /rpc refuses a key with a JSON-RPC error (HTTP 200), not a 401 (API.md §5).
  if (secured && path !== '/rpc' && !responses['401']) {
    responses['401'] = {
      description: 'Missing or unknown API key (when the service runs with API_KEYS).',
      headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
      content: { [PROBLEM_JSON]: { schema: structuredClone(Problem) } },
    };
  }
  for (const response of Object.values(responses) as Json[]) {
    response.headers = {
      ...response.headers,
      [REQUEST_ID_HEADER.name]: { description: REQUEST_ID_HEADER.description, schema: { type: 'string' } },
      [SERVED_BY_HEADER.name]: { description: SERVED_BY_HEADER.description, schema: { type: 'string' } },
    };
  }
  operation.responses = Object.fromEntries(Object.keys(responses).sort(byStatus).map((key) => [key, responses[key]]));

  // The schema's first example becomes the media type's example: Swagger UI pre-fills "Try it out"
  // with the request's and shows the response's.
  const media = [
    ...Object.values(operation.requestBody?.content ?? {}),
    ...(Object.values(operation.responses) as Json[]).flatMap((r) => Object.values(r.content ?? {})),
  ] as Json[];
  for (const item of media) {
    const example = item.schema?.examples?.[0];
    if (example !== undefined && item.example === undefined) item.example = example;
  }
}

/**
 * Every problem response has the same schema: it is written once, as components.schemas.Problem,
 * and referenced (when a route declares a different one, that one stays inline).
 */
function hoistProblemSchema(document: Json): void {
  const canonical = JSON.stringify(Problem);
  let used = false;
  for (const item of Object.values(document.paths ?? {}) as Json[]) {
    for (const method of METHODS) {
      for (const response of Object.values(item[method]?.responses ?? {}) as Json[]) {
        const media = response.content?.[PROBLEM_JSON];
        if (media && JSON.stringify(media.schema) === canonical) {
          media.schema = { $ref: '#/components/schemas/Problem' };
          used = true;
        }
      }
    }
  }
  if (used) document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: structuredClone(Problem) } };
}

/** 200 < 201 < 2XX < 400 < 429 < 4XX < 500 < 5XX < default. */
function byStatus(a: string, b: string): number {
  const rank = (key: string) => (key === 'default' ? 1000 : /^\dxx$/i.test(key) ? Number(key[0]) * 100 + 99.5 : Number(key));
  return rank(a) - rank(b);
}
