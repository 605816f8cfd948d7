import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFloats, decodeSession, encodeFloats, encodeSession, type SessionState } from '../../../src/sessions/codec.js';
import { KeyedQueue } from '../../../src/sessions/keyed-queue.js';
import { canonicalJson } from '../../../src/sessions/idempotency.js';

const bits = (a: Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('session codec', () => {
  it('float64 arrays survive bit for bit, −0 and subnormals included', () => {
    const edge = Float64Array.of(-0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2, 1 / 3);
    expect(bits(decodeFloats(encodeFloats(edge)))).toEqual(bits(edge));
    fc.assert(fc.property(fc.float64Array({ noDefaultInfinity: false, noNaN: true }), (values) => {
      expect(bits(decodeFloats(encodeFloats(values)))).toEqual(bits(values));
    }));
  });

  it('a whole session round-trips', () => {
    const state: SessionState = {
      id: 'abc', principal: 'p', createdAt: 1, updatedAt: 2, ttlSeconds: 60, step: 3, costHistory: [0.5, 0.25],
      cost: 'quadratic', reduction: 'mean', optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 }, batchSize: 2, seed: 7,
      net: { layers: [{ nIn: 2, nOut: 1, activation: 'leaky_relu', alpha: 0.01, weights: Float64Array.of(-0, 1e-310), biases: Float64Array.of(0.1) }] },
      velocity: { layers: [{ weights: Float64Array.of(0.3, -0.4), biases: Float64Array.of(-0) }] },
      examples: { count: 1, inputs: Float64Array.of(1, 2), targets: Float64Array.of(0) },
    };
    const back = decodeSession(encodeSession(state));
    expect(back).toEqual(state);
    expect(Object.is(back.net.layers[0].weights[0], -0)).toBe(true);
    expect(Object.is(back.velocity!.layers[0].biases[0], -0)).toBe(true);
  });
});

describe('canonicalJson', () => {
  it('ignores key order, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe(canonicalJson({ a: [2, { c: 2, d: 1 }], b: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key one after another, other keys alongside, failures not blocking', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      queue.run('s', task('a1', 30, true)), queue.run('s', task('a2', 1)), queue.run('t', task('b1', 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });
});
