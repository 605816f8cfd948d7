// mountOperation's header and problem declarations reach the OpenAPI document (what the
// session routes use: If-Match, Idempotency-Key, ETag, Location, 404/412, 204 without a body).
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { mountOperation } from '../../src/http/operation-route.js';
import { defineOperation } from '../../src/operations/operation.js';
import { makeApp } from '../helpers/app.js';
import { takeViolations } from '../helpers/conformance.js';

const Thing = Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: false, description: 'The thing' });

const createThing = defineOperation({
  name: 'things.create',
  summary: 'Create a thing',
  params: Type.Object({ name: Type.String() }, { additionalProperties: false }),
  result: Thing,
  run(_params, ctx) {
    ctx.meta.etag = '"v1"';
    ctx.meta.location = '/v1/things/t1';
    return { id: 't1', version: 1 };
  },
});

const deleteThing = defineOperation({
  name: 'things.delete',
  summary: 'Delete a thing',
  params: Type.Object({ id: Type.String() }),
  body: Type.Object({}),
  result: Type.Null(),
  run: () => null,
});

async function appWithThings() {
  const app = await makeApp();
  mountOperation(app, createThing, {
    method: 'POST', url: '/v1/things', status: 201, tags: ['sessions'],
    requestHeaders: ['idempotency-key', 'if-match'],
    responseHeaders: ['ETag', 'Location', 'Idempotent-Replayed'],
    problems: {
      409: { description: 'Written too often; retry.', headers: ['Retry-After'] },
      412: 'The If-Match ETag is not the current version.',
      503: 'The store is unreachable.',
    },
  });
  mountOperation(app, deleteThing, {
    method: 'DELETE', url: '/v1/things/:id', status: 204, tags: ['sessions'],
    params: Type.Object({ id: Type.String() }), problems: { 404: 'No such thing.' },
  });
  await app.ready();
  return app;
}

describe('mountOperation options in the OpenAPI document', () => {
  it('documents request headers as parameters and success headers on the response', async () => {
    const app = await appWithThings();
    const op = (app.swagger() as any).paths['/v1/things'].post;
    const headerParams = op.parameters.filter((p: any) => p.in === 'header').map((p: any) => p.name.toLowerCase());
    expect(headerParams).toEqual(expect.arrayContaining(['idempotency-key', 'if-match', 'x-request-id']));
    expect(op.parameters.find((p: any) => p.name === 'if-match').required).toBe(false);
    const created = op.responses['201'];
    expect(created.description).toBe('The thing');
    expect(Object.keys(created.headers)).toEqual(expect.arrayContaining(['ETag', 'Location', 'Idempotent-Replayed', 'X-Request-Id']));
    expect(created.content['application/json'].schema.title).toBe('ThingsCreateResult');
    expect(op.requestBody.content['application/json'].schema.title).toBe('ThingsCreateRequest');
    expect(op.responses['412'].description).toBe('The If-Match ETag is not the current version.');
    expect(Object.keys(op.responses['412'].content)).toEqual(['application/problem+json']);
    expect(op.responses['409'].headers['Retry-After']).toBeDefined();
    expect(op.responses['412'].headers['Retry-After']).toBeUndefined();
    expect(op.responses['503'].description).toBe('The store is unreachable.');
    expect(op.responses['503'].headers['Retry-After']).toBeDefined();
    await app.close();
  });

  it('documents a 204 without content, and the route behaves as documented', async () => {
    const app = await appWithThings();
    const del = (app.swagger() as any).paths['/v1/things/{id}'].delete;
    expect(del.responses['204'].content).toBeUndefined();
    expect(del.responses['404'].description).toBe('No such thing.');
    expect(del.parameters.find((p: any) => p.in === 'path').name).toBe('id');

    const created = await app.inject({ method: 'POST', url: '/v1/things', payload: { name: 'a' }, headers: { 'idempotency-key': 'k1' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.headers.location).toBe('/v1/things/t1');
    const deleted = await app.inject({ method: 'DELETE', url: '/v1/things/t1' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    // The declared headers document; they refuse nothing (the operation judges their values).
    const withIfMatch = await app.inject({ method: 'POST', url: '/v1/things', payload: { name: 'a' }, headers: { 'if-match': '"v0"', 'idempotency-key': '' } });
    expect(withIfMatch.statusCode).toBe(201);
    expect(takeViolations()).toEqual([]);
    await app.close();
  });
});
