import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';

describe('POST /v1/gradient (inject)', () => {
  it('answers the lesson chain with a cost and a gradient of 6 parameters', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.parameterCount).toBe(6);
    expect(body.vector).toHaveLength(6);
    await app.close();
  });
});
