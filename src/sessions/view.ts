// The session as clients see it (API.md §4), and its ETag.
import { fromDenseNetwork } from '../core/network.js';
import type { SessionView } from '../../schemas/sessions.js';
import type { SessionState } from './codec.js';

/** costHistory keeps the last this many costs. */
export const COST_HISTORY_LENGTH = 1000;

export const etagOf = (version: number) => `"v${version}"`;

/** True when an If-Match header names this version (or is `*`); a weak tag never matches (RFC 9110 §13.1.1). */
export function ifMatchAccepts(header: string, version: number): boolean {
  const current = etagOf(version);
  return header.split(',').map((t) => t.trim()).some((t) => t === '*' || t === current);
}

export const expiresAtOf = (s: SessionState) => s.updatedAt + s.ttlSeconds * 1000;

export function toView(s: SessionState): SessionView {
  const lastCost = s.costHistory[s.costHistory.length - 1];
  return {
    id: s.id,
    step: s.step,
    ...(lastCost !== undefined ? { lastCost } : {}),
    costHistory: s.costHistory,
    network: fromDenseNetwork(s.net) as SessionView['network'],
    cost: s.cost,
    reduction: s.reduction,
    optimizer: s.optimizer,
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    seed: s.seed,
    exampleCount: s.examples.count,
    ttlSeconds: s.ttlSeconds,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    expiresAt: new Date(expiresAtOf(s)).toISOString(),
  };
}
