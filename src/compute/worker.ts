// The worker-thread entry point of the compute pool (pool.ts): one task in, its result out,
// large typed arrays transferred rather than copied.
import { type KernelName, useKernel } from '../core/dense-kernel.js';
import { isServiceError } from '../errors.js';
import { type ComputeTask, failedTask, runTask } from './tasks.js';

import { Piscina } from 'piscina';
import { setPriority } from 'node:os';
import { usableCpus } from './cpus.js';
import { buffersOf } from './transfer.js';
import { offerSpare } from '../encoding/byte-output.js';

// Workers yield the CPU to the event loop: on Linux, priority 0 ("this process") means this
// thread only, so a busy worker at nice 10 no longer delays /healthz or a small request on the
// main thread by a scheduler slice, and still gets every cycle the main thread leaves idle.
// Not on a single CPU (affinity or cgroup quota): there V8's own helper threads (GC marking, at
// nice 0) and the event loop share the one core with the worker, and a task at nice 10 was
// measured waiting 0.5–2 s for it.
if (usableCpus() > 1) {
  try {
    setPriority(0, 10);
  } catch { /* not permitted here: run at the process's priority */ }
}

// The kernel the pool's creator chose (pool.ts passes it): every thread selects its own.
useKernel((Piscina.workerData as { kernel?: KernelName } | undefined)?.kernel ?? 'wasm');

/** Piscina's transfer protocol: the value, and the buffers to move with it instead of copying. */
function moved(value: unknown, buffers: ArrayBufferLike[]): unknown {
  if (buffers.length === 0) return value;
  return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: value } as never);
}

export default async function run(task: ComputeTask): Promise<unknown> {
  if (task.spare) offerSpare(task.spare);
  try {
    const result = await runTask(task);
    return moved(result, [...buffersOf(result)]);
  } catch (error) {
    if (isServiceError(error)) return failedTask(error);
    throw error;
  }
}
