// The dispatcher over a table of its own: service errors by the table's codes, internal faults
// masked, the context each call gets, results of nothing, notifications and a client gone away.
import pino from 'pino';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, PROBLEM_BASE, ServiceError } from '../../../src/errors.js';
import { defineOperation, type Operation, type OperationContext } from '../../../src/operations/operation.js';
import { createDispatcher } from '../../../src/rpc/dispatcher.js';
import { testConfig } from '../../helpers/app.js';

const seen: OperationContext[] = [];
const Params = Type.Object({ code: Type.Optional(Type.String()) }, { additionalProperties: false });

const table = new Map<string, Operation>([
  ['fail', defineOperation({
    name: 'fail', summary: 'Throws the service error named by code.', params: Params, result: Type.Null(),
    run: ({ code }) => { throw new ServiceError(code as ErrorCode, `failed with ${code}`); },
  }) as unknown as Operation],
  ['crash', defineOperation({
    name: 'crash', summary: 'A bug.', params: Params, result: Type.Null(),
    run: () => { throw new TypeError('secret internals at /srv/app.js:42'); },
  }) as unknown as Operation],
  ['nothing', defineOperation({
    name: 'nothing', summary: 'Returns undefined (like a REST 204).', params: Params, result: Type.Null(),
    run: (_params, ctx) => { seen.push(ctx); ctx.meta.status = 204; },
  }) as unknown as Operation],
]);

function context(signal = new AbortController().signal): OperationContext {
  return {
    config: testConfig(), services: { now: () => 0 }, principal: 'key-1', log: pino({ level: 'silent' }),
    signal, ifMatch: '"etag"', idempotencyKey: 'k', meta: {},
  };
}

const call = (method: string, params: unknown, id?: unknown) => ({ jsonrpc: '2.0', method, params, ...(id === undefined ? {} : { id }) });

describe('createDispatcher', () => {
  const dispatcher = createDispatcher(table);

  it('maps each service error by the error table, the problem (without title) as data', async () => {
    const cases: [ErrorCode, number][] = [
      ['session-not-found', -32004], ['conflict', -32009], ['precondition-failed', -32009], ['limit-exceeded', -32013],
      ['unauthorized', -32001], ['service-unavailable', -32003], ['invalid-request', -32602],
    ];
    for (const [code, rpc] of cases) {
      expect(ERRORS[code].rpc).toBe(rpc);
      const response = await dispatcher.handle(call('fail', { code }, code), context());
      expect(response).toEqual({
        jsonrpc: '2.0',
        error: { code: rpc, message: ERRORS[code].title, data: { type: PROBLEM_BASE + code, status: ERRORS[code].status, detail: `failed with ${code}` } },
        id: code,
      });
    }
  });

  it('an internal fault is -32603 with no message, stack or file of the fault', async () => {
    const response = await dispatcher.handle(call('crash', {}, 1), context());
    expect(response).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error', data: { type: PROBLEM_BASE + 'internal', status: 500, detail: 'An internal error occurred.' } },
      id: 1,
    });
    expect(JSON.stringify(response)).not.toMatch(/secret|srv|TypeError|stack/);
  });

  it('a result of nothing is result null; each call gets its own meta and no REST headers', async () => {
    seen.length = 0;
    const base = context();
    const response = await dispatcher.handle([call('nothing', {}, 1), call('nothing', {}, 2)], base);
    expect(response).toEqual([{ jsonrpc: '2.0', result: null, id: 1 }, { jsonrpc: '2.0', result: null, id: 2 }]);
    expect(seen).toHaveLength(2);
    expect(seen[0].meta).not.toBe(seen[1].meta);
    expect(base.meta).toEqual({});
    for (const ctx of seen) {
      expect(ctx.ifMatch).toBeUndefined();
      expect(ctx.idempotencyKey).toBeUndefined();
      expect(ctx.principal).toBe('key-1');
      expect(ctx.signal).toBe(base.signal);
    }
  });

  it('notifications run but are never answered, not even their errors', async () => {
    seen.length = 0;
    const response = await dispatcher.handle([call('nothing', {}), call('crash', {}), call('fail', { code: 'conflict' }), call('nope', {})], context());
    expect(response).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it('stops a batch when the client has gone away', async () => {
    seen.length = 0;
    const controller = new AbortController();
    controller.abort();
    await dispatcher.handle([call('nothing', {}, 1), call('nothing', {}, 2)], context(controller.signal));
    expect(seen).toHaveLength(0);
  });

  it('lists exactly the table and rpc.discover in its OpenRPC document', () => {
    expect(dispatcher.openRpcDocument.methods.map((m) => m.name)).toEqual(['fail', 'crash', 'nothing', 'rpc.discover']);
  });
});
