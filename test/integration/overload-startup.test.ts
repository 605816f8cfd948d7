// The event-loop lag of start-up is not overload: within OVERLOAD_STARTUP_GRACE_MS it sheds nothing.
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';

function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* hold the event loop, as loading code does */ }
}

async function infoAfterLag(grace: string): Promise<number> {
  const app = await makeApp({ env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '20', OVERLOAD_SAMPLE_INTERVAL_MS: '10', OVERLOAD_STARTUP_GRACE_MS: grace } });
  await app.ready();
  blockLoop(300);
  await new Promise((r) => setTimeout(r, 30)); // let under-pressure take its sample
  const res = await app.inject({ method: 'GET', url: '/v1/info' });
  await app.close();
  return res.statusCode;
}

describe('overload: start-up grace', () => {
  it('a lagging loop right after start is not held against requests', async () => {
    expect(await infoAfterLag('60000')).toBe(200);
  });
  it('without the grace, the same lag sheds the request with a 503', async () => {
    expect(await infoAfterLag('0')).toBe(503);
  });
});
