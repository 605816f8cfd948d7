// parseJsonSafely: JSON.parse's values, and fastify's refusals of prototype poisoning, however the
// forbidden key is spelled — the substring pre-check must never let one through.
import secureJsonParse from 'secure-json-parse';
import { describe, expect, it } from 'vitest';
import { parseJsonSafely } from '../../../src/encoding/safe-json.js';

const poisoned = [
  '{"__proto__": {"polluted": true}}',
  '{"a": [{"b": {"__proto__": {"polluted": true}}}]}',
  '{"\\u005f_proto__": {"polluted": true}}',
  '{"__pr\\u006fto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '{"x": {"constructor": {"prototype": {"polluted": true}}}}',
  '{"constructor": {"\\u0070rototype": {"polluted": true}}}',
  '{"c\\u006fnstructor": {"prototype": {"polluted": true}}}',
  '\ufeff{"__proto__": {"polluted": true}}',
];

const clean = [
  '{"network": {"layers": [{"weights": [[0.5, -1e-7]], "biases": [0]}]}, "examples": []}',
  '[1, 2.5, -3e300, "x", null, true]',
  '{"name": "caf\\u00e9", "proto": 1, "__proto": 2, "constructor": 3}',
  '{"constructor": {"name": "not a prototype"}}',
  '"just a string"',
  '42',
];

describe('parseJsonSafely', () => {
  it.each(poisoned)('refuses %s as secure-json-parse does', (text) => {
    expect(() => secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })).toThrow(SyntaxError);
    expect(() => parseJsonSafely(text)).toThrow(SyntaxError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(clean)('parses %s to what JSON.parse gives', (text) => {
    expect(parseJsonSafely(text)).toEqual(JSON.parse(text));
  });

  it('skips a leading byte-order mark, and refuses text that is not JSON', () => {
    expect(parseJsonSafely('\ufeff{"a": 1}')).toEqual({ a: 1 });
    for (const text of ['', '{', '{"a": 1,}', 'NaN', "{'a': 1}"]) expect(() => parseJsonSafely(text)).toThrow(SyntaxError);
  });
});
