// The operation table: every use case, by its JSON-RPC method name. A Map, so that
// 'toString' or '__proto__' is never a method.
import { forward, gradient } from './compute.js';
import { gradientCheck, gradientCompare } from './grading.js';
import type { Operation } from './operation.js';
import { sessionOperations } from './sessions.js';
import { diagram } from './visuals.js';

export const operationList: Operation[] = [forward, gradient, gradientCheck, gradientCompare, diagram, ...sessionOperations] as unknown as Operation[];

export const operations: ReadonlyMap<string, Operation> = new Map(operationList.map((op) => [op.name, op]));
