// The batched log destination: every line out, in order, in few writes; at the size bound, on
// the interval, on flush and on exit; and the request line through it as pino writes it.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedDestination } from '../../src/logger.js';
import { writesLineDirectly } from '../../src/http/request-log.js';
import type { FastifyBaseLogger } from 'fastify';

describe('batchedDestination', () => {
  let writes: string[];
  const sink = { write: (text: string) => { writes.push(text); } };
  beforeEach(() => { writes = []; vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('writes nothing until maxChars are held, then everything held, in order, in one write', () => {
    const d = batchedDestination(sink, { maxChars: 20, intervalMs: 1000 });
    d.write('aaaaa\n');
    d.write('bbbbb\n');
    d.write('ccccc\n');
    expect(writes).toEqual([]);
    d.write('ddddd\n'); // 24 ≥ 20
    expect(writes).toEqual(['aaaaa\nbbbbb\nccccc\nddddd\n']);
    d.write('e\n');
    expect(writes).toHaveLength(1);
    d.end();
    expect(writes).toEqual(['aaaaa\nbbbbb\nccccc\nddddd\n', 'e\n']);
  });

  it('writes what it holds every intervalMs, and nothing when it holds nothing', () => {
    const d = batchedDestination(sink, { maxChars: 1e6, intervalMs: 100 });
    d.write('one\n');
    vi.advanceTimersByTime(99);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['one\n']);
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual(['one\n']);
    d.write('two\n');
    d.write('three\n');
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['one\n', 'two\nthree\n']);
    d.end();
    d.write('after end\n');
    vi.advanceTimersByTime(1000);
    expect(writes).toHaveLength(2); // the timer stopped; exit still writes it
    process.emit('exit', 0);
    expect(writes[2]).toBe('after end\n');
  });

  it('flush writes at once and calls back; exit writes what is held', () => {
    const d = batchedDestination(sink, { maxChars: 1e6, intervalMs: 1e6 });
    d.write('x\n');
    const done = vi.fn();
    d.flush(done);
    expect(writes).toEqual(['x\n']);
    expect(done).toHaveBeenCalledWith();
    d.write('held at exit\n');
    process.emit('exit', 0);
    expect(writes).toEqual(['x\n', 'held at exit\n']);
    d.end();
  });

  it('passes pino lines through unchanged, and the request line is still written directly', () => {
    const d = batchedDestination(sink, { maxChars: 1e6, intervalMs: 1e6 });
    const logger = pino({ level: 'info', timestamp: () => ',"time":1' }, d);
    logger.info({ a: 1 }, 'first');
    logger.warn('second');
    d.flushSync();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').filter(Boolean).map((l) => JSON.parse(l).msg)).toEqual(['first', 'second']);
    expect(writesLineDirectly(logger as unknown as FastifyBaseLogger)).toBe(true);
    d.end();
  });
});
