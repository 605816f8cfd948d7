// A POST whose body fields are all optional may be sent with no body at all.
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';

describe('empty bodies', () => {
  it('POST …/steps with no body runs one step; /v1/gradient with no body is still a 400', async () => {
    const app = await makeApp();
    const created = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { network: chain.network, examples: chain.examples } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const res = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, headers });
      expect(res.statusCode).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: `/v1/sessions/${id}` })).json().step).toBe(2);
    const gradient = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' } });
    expect(gradient.statusCode).toBe(400);
    await app.close();
  });
});
