import { describe, expect, it } from 'vitest';
import { frameEvent, streamFormatOf } from '../../../src/http/event-stream.js';

describe('streamFormatOf (Accept)', () => {
  it.each([
    [undefined, undefined],
    ['application/json', undefined],
    ['*/*', undefined],
    ['application/x-ndjson', 'ndjson'],
    ['text/event-stream', 'sse'],
    ['Application/X-NDJSON; charset=utf-8', 'ndjson'],
    ['application/json;q=0.5, application/x-ndjson', 'ndjson'],
    ['application/json, application/x-ndjson;q=0.5', undefined],
    ['application/x-ndjson;q=0', undefined],
    ['text/event-stream;q=0.9, application/x-ndjson;q=0.8', 'sse'],
    ['text/event-stream, application/x-ndjson', 'ndjson'],
    ['application/x-ndjson, */*', 'ndjson'],
    [['application/json', 'text/event-stream'], 'sse'],
  ])('%s → %s', (accept, format) => {
    expect(streamFormatOf(accept as never)).toBe(format);
  });
});

describe('frameEvent', () => {
  it('frames NDJSON as one line and SSE as event + data + blank line', () => {
    const event = { event: 'progress', step: 3 };
    expect(frameEvent('ndjson', event)).toBe('{"event":"progress","step":3}\n');
    expect(frameEvent('sse', event)).toBe('event: progress\ndata: {"event":"progress","step":3}\n\n');
  });
});
