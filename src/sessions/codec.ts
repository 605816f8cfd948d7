// A session as the store keeps it: JSON with every float64 array as base64 of its
// little-endian bytes, so parameters come back bit for bit (−0 and all) from any store.
import { endianness } from 'node:os';
import type { ActivationName } from '../core/activations.js';
import type { Gradient } from '../core/backprop.js';
import type { CostName, Reduction } from '../core/costs.js';
import type { Batch, DenseNetwork } from '../core/network.js';

export interface SessionState {
  id: string;
  /** Who owns it: the principal of the API key that created it. */
  principal: string;
  createdAt: number;
  updatedAt: number;
  ttlSeconds: number;
  step: number;
  costHistory: number[];
  cost: CostName;
  reduction: Reduction;
  optimizer: { type: 'sgd'; learningRate: number; momentum: number };
  batchSize?: number;
  seed: number;
  net: DenseNetwork;
  /** Momentum's v, same shapes as the network (only when momentum > 0). */
  velocity?: Gradient;
  /** The kept training set (count 0 when none). */
  examples: Batch;
}

// Typed arrays use the machine's byte order: on little-endian machines (all we run on) the
// bytes are copied as they are; elsewhere they are swapped one by one.
const LITTLE_ENDIAN = endianness() === 'LE';

export function encodeFloats(data: Float64Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const buffer = Buffer.alloc(data.length * 8);
  for (let i = 0; i < data.length; i++) buffer.writeDoubleLE(data[i], i * 8);
  return buffer.toString('base64');
}

export function decodeFloats(text: string): Float64Array {
  const buffer = Buffer.from(text, 'base64');
  // A copy into a fresh (8-byte aligned) ArrayBuffer.
  if (LITTLE_ENDIAN) return new Float64Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  const out = new Float64Array(buffer.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readDoubleLE(i * 8);
  return out;
}

interface LayerDoc { nIn: number; nOut: number; activation: ActivationName; alpha: number; w: string; b: string }
interface SessionDoc extends Omit<SessionState, 'net' | 'velocity' | 'examples'> {
  layers: LayerDoc[];
  velocity?: { w: string; b: string }[];
  examples: { count: number; inputs: string; targets: string };
}

export function encodeSession(s: SessionState): string {
  const { net, velocity, examples, ...rest } = s;
  const doc: SessionDoc = {
    ...rest,
    layers: net.layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, activation: l.activation, alpha: l.alpha, w: encodeFloats(l.weights), b: encodeFloats(l.biases) })),
    ...(velocity ? { velocity: velocity.layers.map((v) => ({ w: encodeFloats(v.weights), b: encodeFloats(v.biases) })) } : {}),
    examples: { count: examples.count, inputs: encodeFloats(examples.inputs), targets: encodeFloats(examples.targets ?? new Float64Array(0)) },
  };
  return JSON.stringify(doc);
}

export function decodeSession(text: string): SessionState {
  const { layers, velocity, examples, ...rest } = JSON.parse(text) as SessionDoc;
  return {
    ...rest,
    net: { layers: layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, activation: l.activation, alpha: l.alpha, weights: decodeFloats(l.w), biases: decodeFloats(l.b) })) },
    ...(velocity ? { velocity: { layers: velocity.map((v) => ({ weights: decodeFloats(v.w), biases: decodeFloats(v.b) })) } } : {}),
    examples: { count: examples.count, inputs: decodeFloats(examples.inputs), targets: decodeFloats(examples.targets) },
  };
}
