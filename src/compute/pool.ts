// The compute pool: worker threads (piscina) for requests too costly to run on the event loop.
// A service (src/services.ts): server.ts creates it, passes it to buildApp and closes it on
// shutdown; tests build apps with and without it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ServiceError } from '../errors.js';
import { usableCpus } from './cpus.js';
import { buffersOf } from './transfer.js';
import type { BackpropOptions, BackpropResult } from '../core/backprop.js';
import { type KernelName, activeKernel } from '../core/dense-kernel.js';
import { mergeParts, partition } from '../core/backprop-split.js';
import type { Batch, DenseNetwork } from '../core/network.js';
import type { ComputeTask, FailedTask, TaskKind, TaskResult } from './tasks.js';

export interface ComputePoolOptions {
  /** Worker threads; default: the CPUs this process may use (cpus.ts: affinity and cgroup quota). */
  threads?: number;
  /** A task still running after this many milliseconds is stopped (its worker is replaced). */
  timeoutMs?: number;
  /** The dense-product kernel of the workers; default: the one in force in this thread. */
  kernel?: KernelName;
}

export interface RunOptions { move?: boolean }

/** Largest response buffer kept for reuse (recycle). */
const MAX_SPARE_BYTES = 64 * 1024 * 1024;

export interface ComputePool {
  readonly threads: number;
  /**
   * Runs one task of tasks.ts in a worker. Rejects with a ServiceError on abort or timeout.
   * `move`: the task's arguments are its own (nothing else holds them): their typed arrays are
   * moved to the worker, not copied, and are empty here afterwards.
   */
  runCompute<K extends TaskKind>(task: ComputeTask<K>, signal?: AbortSignal, options?: RunOptions): Promise<TaskResult<K>>;
  /**
   * Takes back a response buffer (a result's bytes) once nothing reads it: the response was sent
   * or abandoned. A later task carries it to a worker, which writes a response into it
   * (byte-output.ts offerSpare) instead of into fresh memory.
   */
  recycle(buffer: ArrayBuffer): void;
  /** backprop() of the batch, split over the workers on the fixed chunk partition: the same bits. */
  backprop(net: DenseNetwork, batch: Batch, options: BackpropOptions, signal?: AbortSignal): Promise<BackpropResult>;
  close(): Promise<void>;
}

/** dist/src/compute/worker.js, also when this module runs from TypeScript sources (vitest). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.ts') ? here.replace(/\/src\/compute\/pool\.ts$/, '/dist/src/compute/worker.js') : here.replace(/pool\.js$/, 'worker.js');
  if (!existsSync(compiled)) throw new Error(`compute worker not found at ${compiled}: run npm run build`);
  return compiled;
}

function isFailed(value: unknown): value is FailedTask {
  return typeof value === 'object' && value !== null && 'failed' in value;
}

export function createComputePool(options: ComputePoolOptions = {}): ComputePool {
  const threads = Math.max(1, options.threads ?? usableCpus());
  const timeoutMs = options.timeoutMs ?? 60_000;
  const workerData = { kernel: options.kernel ?? activeKernel() };
  const piscina = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000, workerData });
  const gate = fifoGate(threads);
  const spares: ArrayBuffer[] = [];

  async function runCompute<K extends TaskKind>(task: ComputeTask<K>, signal?: AbortSignal, options?: RunOptions): Promise<TaskResult<K>> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let result: unknown;
    try {
      await gate.enter(both);
      try {
        const transferList = options?.move ? [...buffersOf(task.args, true)] : [];
        const spare = spares.pop();
        if (spare) transferList.push(spare);
        result = await piscina.run(spare ? { ...task, spare } : task, { signal: both, transferList });
      } finally {
        gate.leave();
      }
    } catch (error) {
      if (both.aborted) {
        throw timeout.aborted
          ? new ServiceError('service-unavailable', `The computation took longer than ${timeoutMs} ms and was stopped.`, { retryAfter: 1 })
          : new ServiceError('service-unavailable', 'The computation was cancelled: the client went away.');
      }
      throw error;
    }
    if (isFailed(result)) {
      const f = result.failed;
      throw new ServiceError(f.code, f.detail, { errors: f.errors, retryAfter: f.retryAfter, extensions: f.extensions });
    }
    return result as TaskResult<K>;
  }

  return {
    threads,
    runCompute,
    recycle(buffer) {
      // A rare huge response is let go rather than kept for ever.
      if (buffer.byteLength > 0 && buffer.byteLength <= MAX_SPARE_BYTES && spares.length < 2 * threads) spares.push(buffer);
    },
    async backprop(net, batch, options, signal) {
      const ranges = partition(batch.count, threads);
      // One part takes the batch as it is; several take a copy of their rows each, since a view
      // would carry its whole buffer to the worker.
      const parts = await Promise.all(ranges.map(([first, last]) =>
        runCompute({ kind: 'backpropPart', args: { net, batch: ranges.length === 1 ? batch : slice(batch, net, first, last), first: 0, last: last - first, options } }, signal)
          .then((part) => ({ ...part, first }))));
      return mergeParts(net, batch, parts, options);
    },
    async close() {
      await piscina.destroy();
    },
  };
}

/**
 * At most `size` tasks in piscina at a time; the others wait here, in the order they came.
 * Piscina's own queue is not first-in first-out for tasks with a signal (all of ours): one it
 * cannot hand to a busy worker goes back to the tail (or, with stricterFIFO, a new one to the
 * head), and under steady load a request was seen waiting 2–3 s behind later ones.
 */
function fifoGate(size: number) {
  let free = size;
  const waiting = new Set<() => void>(); // a Set iterates in insertion order
  return {
    async enter(signal: AbortSignal): Promise<void> {
      signal.throwIfAborted();
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const go = () => { signal.removeEventListener('abort', giveUp); resolve(); };
        const giveUp = () => { waiting.delete(go); reject(signal.reason); };
        waiting.add(go);
        signal.addEventListener('abort', giveUp, { once: true });
      });
    },
    /** The slot passes straight to the longest-waiting task, or becomes free. */
    leave(): void {
      const next = waiting.values().next();
      if (next.done) {
        free++;
        return;
      }
      waiting.delete(next.value);
      next.value();
    },
  };
}

/** Only a part's own rows cross to its worker (first is chunk-aligned, so chunks still line up). */
function slice(batch: Batch, net: DenseNetwork, first: number, last: number): Batch {
  const nIn = net.layers[0].nIn;
  const nOut = net.layers[net.layers.length - 1].nOut;
  return {
    count: last - first,
    inputs: batch.inputs.slice(first * nIn, last * nIn),
    targets: batch.targets?.slice(first * nOut, last * nOut),
  };
}
