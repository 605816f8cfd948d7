// The conformance checker itself: it must catch a body, a media type or a status that the
// OpenAPI document does not declare, and stay silent on the service's real responses.
import { afterEach, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { jsonResponse, ProblemResponses } from '../../src/http/operation-route.js';
import { makeApp, listen } from '../helpers/app.js';
import { takeViolations } from '../helpers/conformance.js';
import { chain } from '../helpers/lesson.js';
import { request } from 'undici';
import { Problem } from '../../schemas/common.js';
import { ServiceError } from '../../src/errors.js';

const Answer = Type.Object({ answer: Type.Number() }, { additionalProperties: false });

async function appWithTestRoutes() {
  const app = await makeApp();
  const schema = { response: { 200: jsonResponse('The answer', Answer), ...ProblemResponses } };
  app.get('/test/good', { schema }, async () => ({ answer: 42 }));
  app.get('/test/bad-body', { schema }, async () => ({ answer: 'forty-two' }));
  app.get('/test/extra-field', { schema }, async () => ({ answer: 42, secret: true }));
  app.get('/test/wrong-type', { schema }, async (_req, reply) => reply.type('text/plain').send('42'));
  app.get('/test/bare-problem', { schema: { response: { 200: Answer, '4xx': ProblemResponses['4xx'] } } }, async (_req, reply) => reply.code(302).send());
  // A hand-written route that declares a bare Problem (as /rpc's 413 does).
  app.get('/test/too-large', { schema: { response: { 200: Answer, 413: Problem } } }, async () => {
    throw new ServiceError('payload-too-large', 'too large');
  });
  return app;
}

afterEach(() => {
  takeViolations();
});

describe('response conformance checker', () => {
  it('records a body that does not match the schema, naming the field', async () => {
    const app = await appWithTestRoutes();
    await app.inject('/test/bad-body');
    const found = takeViolations();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ route: 'GET /test/bad-body', status: 200 });
    expect(found[0]!.message).toContain('body/answer');
    await app.close();
  });

  it('records unknown fields, undocumented media types and undocumented statuses', async () => {
    const app = await appWithTestRoutes();
    await app.inject('/test/extra-field');
    await app.inject('/test/wrong-type');
    await app.inject('/test/bare-problem');
    const messages = takeViolations().map((v) => v.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('secret');
    expect(messages[1]).toContain('text/plain');
    expect(messages[2]).toContain('status 302 is not documented');
    await app.close();
  });

  it('is silent on conforming responses, problems included (inject)', async () => {
    const app = await appWithTestRoutes();
    expect((await app.inject('/test/good')).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain })).statusCode).toBe(200);
    const bad = await app.inject({ method: 'POST', url: '/v1/gradient', payload: { ...chain, cost: 'hinge' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((await app.inject('/no/such/route')).statusCode).toBe(404);
    expect(takeViolations()).toEqual([]);
    await app.close();
  });

  it('takes a bare Problem on an error status as application/problem+json, in the checker and in the document', async () => {
    const app = await appWithTestRoutes();
    const res = await app.inject('/test/too-large');
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(takeViolations()).toEqual([]);
    const documented = (app.swagger() as any).paths['/test/too-large'].get.responses['413'];
    expect(Object.keys(documented.content)).toEqual(['application/problem+json']);
    expect(documented.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    await app.close();
  });

  it('checks a listening server too', async () => {
    const app = await appWithTestRoutes();
    const base = await listen(app);
    const good = await request(`${base}/test/good`);
    expect(good.statusCode).toBe(200);
    await good.body.text();
    const bad = await request(`${base}/test/bad-body`);
    await bad.body.text();
    expect(takeViolations().map((v) => v.route)).toEqual(['GET /test/bad-body']);
    await app.close();
  });
});
