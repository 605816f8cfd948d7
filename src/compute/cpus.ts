// How many CPUs this process may really use: the smaller of its CPU affinity (what
// availableParallelism() reports) and its cgroup's CPU quota (docker --cpus, a Kubernetes CPU
// limit), which availableParallelism() does not see. The pool's default size and the workers'
// priority (worker.ts) depend on it.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

type ReadFile = (path: string) => string;

const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/** The cgroup's CPU quota in CPUs (rounded up), or undefined when there is none or it cannot be read. */
export function cgroupCpuQuota(read: ReadFile = readText): number | undefined {
  const quota = (q: number, period: number) => (q > 0 && period > 0 ? Math.max(1, Math.ceil(q / period)) : undefined);
  try {
    // cgroup v2: "max 100000" (no limit) or "150000 100000" (1.5 CPUs).
    const [q, period] = read('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    return q === 'max' ? undefined : quota(Number(q), Number(period));
  } catch { /* not cgroup v2 */ }
  try {
    // cgroup v1: cfs_quota_us is -1 without a limit.
    return quota(Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')), Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')));
  } catch {
    return undefined;
  }
}

export function usableCpus(read: ReadFile = readText, affinity = availableParallelism()): number {
  return Math.max(1, Math.min(affinity, cgroupCpuQuota(read) ?? affinity));
}
