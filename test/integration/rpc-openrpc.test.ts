// rpc.discover: an OpenRPC document valid against the OpenRPC meta-schema, listing every method
// of the operation table with the table's own params and result schemas.
import { jsonSchema as jsonSchemaMeta } from '@json-schema-tools/meta-schema';
import { openrpcDocument as openRpcMeta } from '@open-rpc/meta-schema';
import AjvModule from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/operations/index.js';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { postRpc } from '../helpers/rpc.js';

const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

let app: FastifyInstance;
let doc: any;
beforeAll(async () => {
  app = await makeApp();
  const reply = await postRpc(app, { jsonrpc: '2.0', method: 'rpc.discover', id: 'd' });
  expect(reply.status).toBe(200);
  doc = reply.body.result;
});
afterAll(async () => { await app.close(); });

function metaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
  // The OpenRPC meta-schema describes schemas with json-schema-tools' draft-07 meta-schema.
  ajv.addSchema(jsonSchemaMeta as object, 'https://meta.json-schema.tools');
  // Ajv cannot follow a pointer through a "$ref" property name (…/properties/$ref): that one
  // reference of the meta-schema is inlined with the schema it points at.
  const meta = structuredClone(openRpcMeta) as any;
  meta.definitions.referenceObject.properties.$ref = (jsonSchemaMeta as any).definitions.JSONSchemaObject.properties.$ref;
  return ajv.compile(meta);
}

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema));

describe('rpc.discover', () => {
  it('validates against the OpenRPC meta-schema', () => {
    const validate = metaValidator();
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the meta-schema is not a rubber stamp: a broken document fails it', () => {
    const validate = metaValidator();
    expect(validate({ ...doc, openrpc: '9.9.9' })).toBe(false);
    const broken = structuredClone(doc);
    delete broken.methods[0].params;
    expect(validate(broken)).toBe(false);
  });

  it('lists every method of the operation table, and rpc.discover, each once', () => {
    const names = doc.methods.map((m: { name: string }) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...operations.keys(), 'rpc.discover'].sort());
  });

  it('each method: by-name params from its params schema, its result schema, the table\'s error codes', () => {
    for (const op of operations.values()) {
      const method = doc.methods.find((m: { name: string }) => m.name === op.name);
      expect(method.paramStructure).toBe('by-name');
      expect(method.summary).toBe(op.summary);
      // A params schema is an object, or a union of objects (e.g. network | architecture).
      const schema = plain(op.params);
      const branches: { properties: Record<string, unknown>; required?: string[] }[] = schema.anyOf ?? schema.oneOf ?? [schema];
      const names = [...new Set(branches.flatMap((b) => Object.keys(b.properties)))];
      expect(method.params.map((p: { name: string }) => p.name)).toEqual(names);
      for (const param of method.params) {
        const inBranches = branches.filter((b) => param.name in b.properties);
        if (inBranches.length === 1) expect(param.schema).toEqual(inBranches[0].properties[param.name]);
        expect(param.required).toBe(branches.every((b) => (b.required ?? []).includes(param.name)));
      }
      expect(method.result.schema).toEqual(plain(op.result));
      const codes = method.errors.map((e: { $ref: string }) => doc.components.errors[e.$ref.replace('#/components/errors/', '')].code);
      expect(codes).toEqual(expect.arrayContaining([-32602, -32004, -32009, -32013, -32001, -32003, -32603]));
    }
  });

  it('the params descriptors, put back together, accept what the method accepts and refuse the rest', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const method = doc.methods.find((m: { name: string }) => m.name === 'gradient');
    const rebuilt = {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(method.params.map((p: { name: string; schema: object }) => [p.name, p.schema])),
      required: method.params.filter((p: { required: boolean }) => p.required).map((p: { name: string }) => p.name),
    };
    const validate = ajv.compile(rebuilt);
    expect(validate(chain)).toBe(true);
    expect(validate(net232)).toBe(true);
    expect(validate({ network: chain.network })).toBe(false);
    expect(validate({ ...chain, cost: 'bogus' })).toBe(false);
  });

  it('its examples come from the params schemas, and each one is accepted by its method', async () => {
    const withExamples = doc.methods.filter((m: { examples?: unknown[] }) => m.examples);
    expect(withExamples.map((m: { name: string }) => m.name)).toContain('gradient');
    for (const method of withExamples) {
      for (const example of method.examples) {
        const params = Object.fromEntries(example.params.map((p: { name: string; value: unknown }) => [p.name, p.value]));
        expect(params).toEqual((operations.get(method.name)!.params as { examples: unknown[] }).examples[method.examples.indexOf(example)]);
        const reply = await postRpc(app, { jsonrpc: '2.0', method: method.name, params, id: 1 });
        if (reply.body.error) expect(reply.body.error.code, `${method.name}: ${JSON.stringify(reply.body.error)}`).not.toBe(-32602);
      }
    }
  });

  it('is the same document, byte for byte, on every call', async () => {
    const again = await postRpc(app, { jsonrpc: '2.0', method: 'rpc.discover', id: 'd' });
    expect(JSON.stringify(again.body.result)).toBe(JSON.stringify(doc));
  });
});
