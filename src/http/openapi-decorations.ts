// What every operation of the generated OpenAPI document shares, added in one place so that
// routes written by hand and routes mounted from operations are documented alike.
import { Example, FieldError, GradientLayers, Layer, Network, Problem, TrainingExample } from '../../schemas/common.js';
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
  hoistNamedSchemas(document);
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

/** Schemas shown by name (components.schemas) wherever they occur, the largest first. */
const NAMED_SCHEMAS: Record<string, object> = { Network, Layer, TrainingExample, Example, GradientLayers, Problem, FieldError };

/**
 * Every occurrence of a named schema (the same JSON as the TypeBox constant) becomes a $ref to
 * components.schemas: the document says "Network" once instead of inlining it in every route.
 */
function hoistNamedSchemas(document: Json): void {
  const names = new Map(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [canonicalJson(schema), name]));
  const used = new Set<string>();
  // `properties` maps field names (a field may be called "examples") to schemas; elsewhere
  // `example`/`examples` hold data, not schemas.
  const replace = (node: unknown, isRoot = false, isPropertyMap = false): unknown => {
    if (Array.isArray(node)) return node.map((item) => replace(item));
    if (!node || typeof node !== 'object') return node;
    const name = isRoot || isPropertyMap ? undefined : names.get(canonicalJson(node));
    if (name) {
      used.add(name);
      return { $ref: `#/components/schemas/${name}` };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key,
      !isPropertyMap && (key === 'example' || key === 'examples') ? value : replace(value, false, !isPropertyMap && key === 'properties')]));
  };
  for (const item of Object.values(document.paths ?? {}) as Json[]) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const media of Object.values(operation.requestBody?.content ?? {}) as Json[]) media.schema = replace(media.schema);
      for (const response of Object.values(operation.responses ?? {}) as Json[]) {
        for (const media of Object.values(response.content ?? {}) as Json[]) media.schema = replace(media.schema);
      }
    }
  }
  // Components refer to each other (a Network holds Layers): hoist inside them too, until nothing new is used.
  const schemas: Json = { ...document.components?.schemas };
  for (let done = 0; done !== used.size;) {
    done = used.size;
    for (const name of [...used]) schemas[name] ??= replace(structuredClone(NAMED_SCHEMAS[name]), true);
  }
  const ordered = Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]]));
  document.components = { ...document.components, schemas: ordered };
}

/** JSON with the keys of every object sorted: equal schemas, whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Json)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 200 < 201 < 2XX < 400 < 429 < 4XX < 500 < 5XX < default. */
function byStatus(a: string, b: string): number {
  const rank = (key: string) => (key === 'default' ? 1000 : /^\dxx$/i.test(key) ? Number(key[0]) * 100 + 99.5 : Number(key));
  return rank(a) - rank(b);
}
