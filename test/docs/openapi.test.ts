// The committed openapi.yaml is the document the service generates, it is valid OpenAPI 3.1,
// and it documents what every operation shares (problems, request id, bearer scope, examples).
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020Module from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateOpenApi, toYaml } from '../../scripts/openapi-document.js';
import { makeApp } from '../helpers/app.js';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
type Json = Record<string, any>;

const committedPath = join(import.meta.dirname, '..', '..', 'openapi.yaml');
let generated: Json;

function operationsOf(document: Json): Array<{ path: string; method: string; op: Json }> {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })));
}

beforeAll(async () => {
  generated = await generateOpenApi();
});

describe('openapi.yaml', () => {
  it('is the document the route schemas generate (else run `npm run openapi` and commit openapi.yaml)', () => {
    const committed = readFileSync(committedPath, 'utf8');
    const expected = toYaml(generated);
    expect(committed === expected, 'openapi.yaml is out of date: run `npm run openapi` and commit openapi.yaml').toBe(true);
  });

  it('is valid OpenAPI 3.1 for a maintained validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(readFileSync(committedPath, 'utf8'));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('holds JSON Schemas (2020-12) that compile, $refs included', () => {
    const document = parse(readFileSync(committedPath, 'utf8'));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ components: document.components }, 'openapi.yaml');
    const rewrite = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.yaml#/components/'));
    let compiledCount = 0;
    for (const { op } of operationsOf(document)) {
      const schemas = [
        ...Object.values(op.requestBody?.content ?? {}).map((m: any) => m.schema),
        ...Object.values(op.responses as Json).flatMap((r: any) => Object.values(r.content ?? {}).map((m: any) => m.schema)),
        ...(op.parameters ?? []).map((p: any) => p.schema),
      ];
      for (const schema of schemas) {
        expect(() => ajv.compile(rewrite(schema))).not.toThrow();
        compiledCount += 1;
      }
    }
    expect(compiledCount).toBeGreaterThan(10);
  });

  it('is what GET /openapi.json serves', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(generated);
    await app.close();
  });
});

describe('every documented operation', () => {
  it('has a summary, a success response and problem+json errors, and names the request id', () => {
    const ops = operationsOf(generated);
    expect(ops.length).toBeGreaterThanOrEqual(4);
    for (const { path, method, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success.length, `${where} documents a success response`).toBeGreaterThan(0);
      for (const status of success) {
        const response = op.responses[status];
        if (status !== '204') expect(Object.keys(response.content ?? {}).length, `${where} ${status} has content`).toBeGreaterThan(0);
      }
      for (const [status, response] of Object.entries(op.responses as Json)) {
        expect(response.headers?.['X-Request-Id'], `${where} ${status} X-Request-Id`).toBeDefined();
        if (/^[45]/.test(status)) {
          expect(Object.keys(response.content ?? {}), `${where} ${status} is a problem`).toEqual(['application/problem+json']);
        }
      }
      if (path.startsWith('/v1/')) {
        expect(op.responses['4XX'], `${where} documents 4XX problems`).toBeDefined();
        expect(op.responses['503']?.headers?.['Retry-After'], `${where} documents 503 Retry-After`).toBeDefined();
      }
      expect(op.parameters?.some((p: Json) => p.in === 'header' && p.name === 'X-Request-Id'), `${where} X-Request-Id parameter`).toBe(true);
    }
  });

  it('needs the bearer key under /v1 and /rpc, and not for health', () => {
    expect(generated.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(generated.security).toEqual([{ bearer: [] }]);
    for (const { path, op } of operationsOf(generated)) {
      if (path.startsWith('/v1/') || path === '/rpc') {
        expect(op.security, path).toBeUndefined();
        // /rpc answers a missing key with a JSON-RPC error (HTTP 200).
        if (path !== '/rpc') expect(op.responses['401']?.headers?.['WWW-Authenticate'], `${path} 401`).toBeDefined();
      } else {
        expect(op.security, path).toEqual([]);
      }
    }
  });

  it('documents the session headers: Idempotency-Key, If-Match, ETag, Location, Idempotent-Replayed, Retry-After', () => {
    const headerParams = (op: Json) => (op.parameters ?? []).filter((p: Json) => p.in === 'header').map((p: Json) => p.name.toLowerCase());
    const create = generated.paths['/v1/sessions'].post;
    expect(headerParams(create)).toContain('idempotency-key');
    expect(Object.keys(create.responses['201'].headers)).toEqual(expect.arrayContaining(['ETag', 'Location', 'Idempotent-Replayed']));
    const steps = generated.paths['/v1/sessions/{id}/steps'].post;
    expect(headerParams(steps)).toEqual(expect.arrayContaining(['if-match', 'idempotency-key']));
    expect(Object.keys(steps.responses['200'].headers)).toEqual(expect.arrayContaining(['ETag', 'Idempotent-Replayed']));
    expect(steps.responses['412'].content['application/problem+json']).toBeDefined();
    expect(generated.paths['/v1/sessions/{id}'].get.responses['200'].headers.ETag).toBeDefined();
    expect(generated.paths['/v1/sessions/{id}'].delete.responses['204'].content).toBeUndefined();
    for (const { path, op } of operationsOf(generated).filter((o) => o.path.startsWith('/v1/sessions'))) {
      expect(op.responses['503'].headers['Retry-After'], path).toBeDefined();
      if (path.includes('{id}')) expect(op.responses['404'], path).toBeDefined();
    }
  });

  it('teaches with the lesson: POST /v1/gradient is pre-filled with the 1-1-1-1 chain', () => {
    const media = generated.paths['/v1/gradient'].post.requestBody.content['application/json'];
    expect(media.schema.title).toBe('GradientRequest');
    expect(media.example.network.layers.map((l: Json) => l.weights[0][0])).toEqual([0.5, -0.3, 0.8]);
    expect(media.example.examples).toEqual([{ input: [1], target: [0] }]);
  });

  it('has request examples that the service accepts (the docs never show a request that fails)', async () => {
    const app = await makeApp();
    let tried = 0;
    for (const { path, method, op } of operationsOf(generated)) {
      const example = op.requestBody?.content?.['application/json']?.example;
      if (example === undefined || path.includes('{')) continue;
      const res = await app.inject({ method: method.toUpperCase() as 'POST', url: path, payload: example });
      expect(res.statusCode, `${method.toUpperCase()} ${path}: ${res.body}`).toBeLessThan(300);
      tried += 1;
    }
    expect(tried).toBeGreaterThanOrEqual(2);
    await app.close();
  });
});
