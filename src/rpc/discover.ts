// rpc.discover: the OpenRPC 1.3 document of every method, generated from the operation table's
// own params/result schemas (never written by hand), so it cannot drift from what is validated.
import { ERRORS } from '../errors.js';
import type { Operation } from '../operations/operation.js';
import { SERVICE_VERSION } from '../version.js';

export const DISCOVER = 'rpc.discover';
export const OPENRPC_VERSION = '1.3.2';

type JsonSchema = Record<string, unknown>;

interface ContentDescriptor { name: string; schema: JsonSchema; required?: boolean; description?: string }

/** TypeBox schemas are plain JSON Schema; the round trip drops anything that is not JSON. */
const plain = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

/**
 * By-name params as OpenRPC content descriptors: one per property of the params object. A
 * union of objects (anyOf/oneOf) contributes every branch's properties; a property is required
 * only when every branch requires it.
 */
export function paramDescriptors(schema: JsonSchema): ContentDescriptor[] {
  const branches = (schema.anyOf ?? schema.oneOf ?? schema.allOf ?? [schema]) as JsonSchema[];
  const all = Boolean(schema.allOf);
  const byName = new Map<string, { schemas: JsonSchema[]; requiredIn: number }>();
  for (const branch of branches) {
    const properties = (branch.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((branch.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const entry = byName.get(name) ?? { schemas: [], requiredIn: 0 };
      entry.schemas.push(property);
      if (required.has(name)) entry.requiredIn += 1;
      byName.set(name, entry);
    }
  }
  return [...byName].map(([name, { schemas, requiredIn }]) => {
    const distinct = [...new Map(schemas.map((s) => [JSON.stringify(s), s])).values()];
    const descriptor: ContentDescriptor = {
      name,
      schema: plain(distinct.length === 1 ? distinct[0] : { anyOf: distinct }),
      required: all ? requiredIn > 0 : requiredIn === branches.length,
    };
    const description = distinct[0].description;
    if (typeof description === 'string') descriptor.description = description;
    return descriptor;
  });
}

/** Every distinct JSON-RPC error code of the table, once (the first title of each code names it). */
function errorComponents(): Record<string, { code: number; message: string }> {
  const out: Record<string, { code: number; message: string }> = {};
  const seen = new Set<number>();
  for (const [name, entry] of Object.entries(ERRORS)) {
    if (seen.has(entry.rpc)) continue;
    seen.add(entry.rpc);
    out[name] = { code: entry.rpc, message: entry.title };
  }
  return out;
}

/** The params schema's own `examples`, as OpenRPC example pairings (by-name: one value per member). */
function examplesOf(op: Operation) {
  const examples = (op.params as { examples?: unknown }).examples;
  if (!Array.isArray(examples)) return [];
  return examples.map((example: Record<string, unknown>, i) => ({
    name: `${op.name} example ${i + 1}`,
    params: Object.entries(plain(example)).map(([name, value]) => ({ name, value })),
  }));
}

function methodOf(op: Operation, errorRefs: { $ref: string }[]) {
  const examples = examplesOf(op);
  return {
    name: op.name,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    paramStructure: 'by-name' as const,
    params: paramDescriptors(op.params as unknown as JsonSchema),
    result: { name: `${op.name}.result`, schema: plain(op.result ?? {}) },
    errors: errorRefs,
    ...(examples.length > 0 ? { examples } : {}),
  };
}

export function buildOpenRpcDocument(operations: ReadonlyMap<string, Operation>) {
  const errors = errorComponents();
  const errorRefs = Object.keys(errors).map((name) => ({ $ref: `#/components/errors/${name}` }));
  return {
    openrpc: OPENRPC_VERSION,
    info: {
      title: 'gradient-service',
      version: SERVICE_VERSION,
      description: 'Backpropagation over JSON-RPC 2.0: every method takes the REST request body as by-name params '
        + '(session methods add "id") and returns the REST response body as result.',
    },
    servers: [{ name: 'this service', url: '/rpc' }],
    methods: [
      ...[...operations.values()].map((op) => methodOf(op, errorRefs)),
      {
        name: DISCOVER,
        summary: 'This OpenRPC document.',
        paramStructure: 'by-name' as const,
        params: [],
        result: { name: 'OpenRPC document', schema: { $ref: 'https://meta.open-rpc.org/' } },
      },
    ],
    components: { errors },
  };
}
