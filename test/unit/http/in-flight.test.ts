// The handler timeout's deadlines: each request expires timeoutMs after its own start, whatever
// came and went before it, with one timer for all.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InFlight } from '../../../src/http/in-flight.js';

const TIMEOUT = 100;
const requestNamed = (name: string) => ({ name, running: null }) as unknown as FastifyRequest;
const reply = {} as FastifyReply;

describe('InFlight deadlines', () => {
  let expired: [string, number][];
  let deadlines: InFlight;
  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    deadlines = new InFlight(TIMEOUT, (request) => { expired.push([(request as unknown as { name: string }).name, Date.now()]); }, () => Date.now());
  });
  afterEach(() => { vi.useRealTimers(); });

  it('expires each request TIMEOUT after its own start, and never one that ended', () => {
    const t0 = Date.now();
    const a = deadlines.add(requestNamed('a'), reply);
    vi.advanceTimersByTime(30);
    deadlines.add(requestNamed('b'), reply);
    vi.advanceTimersByTime(30);
    const c = deadlines.add(requestNamed('c'), reply);
    deadlines.add(requestNamed('d'), reply);
    deadlines.remove(a); // the oldest, which the timer is armed for
    deadlines.remove(a); // twice is harmless
    deadlines.remove(c); // one in the middle
    expect(deadlines.size).toBe(2);
    vi.advanceTimersByTime(500);
    expect(expired).toEqual([['b', t0 + 30 + TIMEOUT], ['d', t0 + 60 + TIMEOUT]]);
    expect(deadlines.size).toBe(0);
  });

  it('after a quiet spell with nothing armed, a lone request still expires on time', () => {
    const first = deadlines.add(requestNamed('first'), reply);
    deadlines.remove(first);
    vi.advanceTimersByTime(1000);
    const t = Date.now();
    deadlines.add(requestNamed('lone'), reply);
    vi.advanceTimersByTime(TIMEOUT - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([['lone', t + TIMEOUT]]);
  });

  it('keeps later deadlines when an expiry throws, and its timer holds no process', () => {
    const throwing = new InFlight(TIMEOUT, (request) => {
      const name = (request as unknown as { name: string }).name;
      expired.push([name, Date.now()]);
      if (name === 'bad') throw new Error('expiry failed');
    }, () => Date.now());
    const spy = vi.spyOn(globalThis, 'setTimeout');
    throwing.add(requestNamed('bad'), reply);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    vi.advanceTimersByTime(10);
    throwing.add(requestNamed('good'), reply);
    expect(() => vi.advanceTimersByTime(TIMEOUT)).toThrow('expiry failed');
    vi.advanceTimersByTime(TIMEOUT);
    expect(expired.map(([name]) => name)).toEqual(['bad', 'good']);
    spy.mockRestore();
  });

  it('lists the requests in flight, oldest first; without a timeout none expires and no timer is armed', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const open = new InFlight(0, () => { throw new Error('no deadline'); }, () => Date.now());
    const a = open.add(requestNamed('a'), reply);
    open.add(requestNamed('b'), reply);
    open.add(requestNamed('c'), reply);
    open.remove(a);
    expect([...open].map((r) => (r.request as unknown as { name: string }).name)).toEqual(['b', 'c']);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1e9);
    expect(open.size).toBe(2);
    spy.mockRestore();
  });
});
