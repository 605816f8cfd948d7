// The request line written straight to the stream (writeRequestCompleted) is pino's own line for
// the same fields (logRequestCompleted), byte for byte, or it is not used.
import { Writable } from 'node:stream';
import pino, { type LoggerOptions } from 'pino';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { logRequestCompleted, writeRequestCompleted, writesLineDirectly } from '../../../src/http/request-log.js';
import { loggerOptions } from '../../../src/logger.js';
import { makeApp } from '../../helpers/app.js';

function capture(options: LoggerOptions) {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
  // A fixed time: both lines must be the same bytes.
  const logger = pino({ timestamp: () => ',"time":1796000000000', ...options }, stream) as unknown as FastifyBaseLogger;
  return { logger, lines };
}

const request = (method: string, url: string) => ({ method, url }) as FastifyRequest;
const reply = (statusCode: number, elapsedTime: number) => ({ statusCode, elapsedTime }) as FastifyReply;

const cases: [string, string, number, number][] = [
  ['POST', '/v1/gradient', 200, 0.123456789],
  ['GET', '/v1/sessions/abc?x="quoted"&y=back\\slash', 404, 12],
  ['DELETE', '/v1/sessions/%E2%88%82C', 204, 1e-7],
  ['POST', '/ünïcödé/\u2028/\t/\u0001', 500, 30000.5],
  ['GET', '/', 503, 0],
];

describe('the request line', () => {
  it('is what pino writes for the same fields, with the service options and a request child', () => {
    const direct = capture(loggerOptions('info'));
    const byPino = capture(loggerOptions('info'));
    expect(writesLineDirectly(direct.logger)).toBe(true);
    for (const [method, url, status, ms] of cases) {
      const id = `req-${status}`;
      writeRequestCompleted(direct.logger.child({ reqId: id }), request(method, url), reply(status, ms));
      logRequestCompleted(byPino.logger.child({ reqId: id }), request(method, url), reply(status, ms));
    }
    expect(direct.lines).toHaveLength(cases.length);
    expect(direct.lines).toEqual(byPino.lines);
    const parsed = JSON.parse(direct.lines[1]!);
    expect(parsed).toMatchObject({ level: 30, reqId: 'req-404', req: { method: 'GET', url: cases[1]![1] }, res: { statusCode: 404 }, responseTime: 12, msg: 'request completed' });
  });

  it('follows base bindings, a custom level formatter and timestamp, and nested children', () => {
    const options: LoggerOptions = { base: { service: 'gradient', replica: 'r"1' }, formatters: { level: (label) => ({ severity: label }) } };
    const direct = capture(options);
    const byPino = capture(options);
    expect(writesLineDirectly(direct.logger)).toBe(true);
    writeRequestCompleted(direct.logger.child({ a: 1 }).child({ reqId: 'x' }), request('POST', '/v1/forward'), reply(200, 3.5));
    logRequestCompleted(byPino.logger.child({ a: 1 }).child({ reqId: 'x' }), request('POST', '/v1/forward'), reply(200, 3.5));
    expect(direct.lines).toEqual(byPino.lines);
    expect(direct.lines[0]).toContain('"severity":"info"');
  });

  it('is not written below info', () => {
    const { logger, lines } = capture({ level: 'warn' });
    writeRequestCompleted(logger.child({ reqId: 'x' }), request('POST', '/v1/gradient'), reply(200, 1));
    writeRequestCompleted(logger.child({ reqId: 'y' }, { level: 'error' }), request('POST', '/v1/gradient'), reply(200, 1));
    expect(lines).toEqual([]);
  });

  it('is left to pino when a setting would change it', () => {
    const changing: [string, LoggerOptions][] = [
      ['a mixin', { mixin: () => ({ extra: 1 }) }],
      ['a log formatter', { formatters: { log: (o) => ({ ...o, extra: 1 }) } }],
      ['another message key', { messageKey: 'message' }],
      ['a nested key', { nestedKey: 'payload' }],
      ['a message prefix', { msgPrefix: '[svc] ' }],
      ['a logMethod hook', { hooks: { logMethod(args, method) { method.apply(this, args); } } }],
      ['a streamWrite hook', { hooks: { streamWrite: (s) => s } }],
      ['a req serializer', { serializers: { req: () => ({ hidden: true }) } }],
      ['a res serializer', { serializers: { res: () => ({ hidden: true }) } }],
    ];
    for (const [what, options] of changing) expect(writesLineDirectly(capture(options).logger), what).toBe(false);
    const multi = pino({}, pino.multistream([{ stream: new Writable({ write(_c, _e, done) { done(); } }) }]));
    expect(writesLineDirectly(multi as unknown as FastifyBaseLogger), 'a multistream').toBe(false);
  });

  it('is written directly by the app built as server.ts builds it (fastify\'s serializers keep these fields)', async () => {
    const { logger, lines } = capture(loggerOptions('info'));
    const app = await makeApp({ logger: logger as never });
    try {
      expect(writesLineDirectly(app.log)).toBe(true);
      const res = await app.inject({ method: 'GET', url: '/healthz?probe=1', headers: { 'x-request-id': 'probe-7' } });
      expect(res.statusCode).toBe(200);
      const completed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ level: 30, reqId: 'probe-7', req: { method: 'GET', url: '/healthz?probe=1' }, res: { statusCode: 200 } });
      expect(Object.keys(completed[0])).toEqual(['level', 'time', 'pid', 'hostname', 'reqId', 'req', 'res', 'responseTime', 'msg']);
    } finally {
      await app.close();
    }
  });
});
