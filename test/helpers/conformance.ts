// Response conformance: every response an app built by makeApp sends (inject or a listening
// server) is checked against the OpenAPI response declared by its route for that status —
// media type and body schema. Violations are recorded here; test/setup/conformance.ts fails the
// test in which they happened, so the documentation and the behaviour cannot drift apart.
import AjvModule, { type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../schemas/common.js';

const Ajv = AjvModule.default ?? AjvModule;
// A validator of its own (not the service's): what is checked here is the documentation.
const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, validateFormats: false });
const compiled = new WeakMap<object, ValidateFunction>();

const PROBLEM_JSON = 'application/problem+json';
const JSON_TYPES = new Set(['application/json', PROBLEM_JSON]);

export interface Violation {
  route: string;
  status: number;
  message: string;
  body?: string;
}

const violations: Violation[] = [];

/** The violations recorded since the last call, which clears them. */
export function takeViolations(): Violation[] {
  return violations.splice(0, violations.length);
}

type ResponseEntry = Record<string, any>;
type ResponseMap = Record<string, ResponseEntry>;

/** The response declared for a status: exact code, then its class (4xx / 4XX), then default. */
export function declaredResponse(responses: ResponseMap, status: number): ResponseEntry | undefined {
  const family = `${String(status)[0]}xx`;
  return responses[String(status)] ?? responses[family] ?? responses[family.toUpperCase()] ?? responses.default;
}

/** What the response should look like: the media types it may have and the body schema of each. */
function expectedMedia(entry: ResponseEntry, status: number): Record<string, object> | 'empty' {
  if (entry.content) return Object.fromEntries(Object.entries(entry.content as Record<string, { schema: object }>).map(([type, media]) => [type, media.schema]));
  if (entry.type === 'null') return 'empty';
  // A bare Problem for an error is documented as application/problem+json (src/http/openapi-decorations.ts).
  if (status >= 400 && JSON.stringify(entry) === JSON.stringify(Problem)) return { [PROBLEM_JSON]: entry };
  // Any other bare schema: @fastify/swagger documents it as application/json.
  return { 'application/json': entry };
}

/** Checks one response; returns what is wrong with it (nothing when it conforms). */
export function checkResponse(responses: ResponseMap | undefined, status: number, contentType: string | undefined, payload: unknown): string[] {
  if (!responses) return [];
  const entry = declaredResponse(responses, status);
  if (!entry) return [`status ${status} is not documented (declared: ${Object.keys(responses).join(', ')})`];
  const media = expectedMedia(entry, status);
  const text = payload === null || payload === undefined ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined) return []; // a stream (a file): not a documented body
  if (media === 'empty' || status === 204 || status === 304) {
    return text.length === 0 ? [] : [`status ${status} is documented without a body but has one`];
  }
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const schema = media[type];
  if (!schema) return [`content type ${JSON.stringify(type)} is not documented for status ${status} (documented: ${Object.keys(media).join(', ')})`];
  let body: unknown = text;
  if (JSON_TYPES.has(type) || type.endsWith('+json')) {
    try {
      body = JSON.parse(text);
    } catch {
      return [`the ${type} body is not JSON`];
    }
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `body${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** The response schemas of the route that served the request (undefined: not documented). */
function responsesOf(request: FastifyRequest): ResponseMap | undefined {
  // Unknown routes answer with a problem (API.md §6).
  if (request.is404) return { 404: { content: { [PROBLEM_JSON]: { schema: Problem } } } };
  const schema = request.routeOptions.schema as { hide?: boolean; response?: ResponseMap } | undefined;
  if (!schema || schema.hide) return undefined;
  return schema.response;
}

/** Adds the checking hook to an app (before it is ready). */
export function checkConformance(app: FastifyInstance): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const responses = responsesOf(request);
    const contentType = reply.getHeader('content-type');
    for (const message of checkResponse(responses, reply.statusCode, typeof contentType === 'string' ? contentType : undefined, payload)) {
      violations.push({
        route: `${request.method} ${request.routeOptions.url ?? request.url}`,
        status: reply.statusCode,
        message,
        body: typeof payload === 'string' ? payload.slice(0, 500) : undefined,
      });
    }
    return payload;
  });
}

export function formatViolations(list: Violation[]): string {
  return list.map((v) => `${v.route} → ${v.status}: ${v.message}${v.body ? `\n    body: ${v.body}` : ''}`).join('\n');
}
