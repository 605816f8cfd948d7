// usableCpus: the smaller of the affinity and the cgroup quota, read from cgroup v2 or v1 files.
import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, usableCpus } from '../../../src/compute/cpus.js';

/** A reader over a fixed set of files; any other path is missing. */
const files = (entries: Record<string, string>) => (path: string) => {
  if (!(path in entries)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return entries[path];
};

describe('usable CPUs', () => {
  it.each([
    ['cgroup v2 without a limit', { '/sys/fs/cgroup/cpu.max': 'max 100000\n' }, undefined],
    ['cgroup v2, one CPU', { '/sys/fs/cgroup/cpu.max': '100000 100000\n' }, 1],
    ['cgroup v2, 1.5 CPUs (rounded up)', { '/sys/fs/cgroup/cpu.max': '150000 100000\n' }, 2],
    ['cgroup v2, a quarter CPU (at least one)', { '/sys/fs/cgroup/cpu.max': '25000 100000\n' }, 1],
    ['cgroup v1 without a limit', { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }, undefined],
    ['cgroup v1, three CPUs', { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '300000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }, 3],
    ['no cgroup files', {}, undefined],
    ['garbage', { '/sys/fs/cgroup/cpu.max': 'what\n' }, undefined],
  ])('%s → quota %s', (_, entries, expected) => {
    expect(cgroupCpuQuota(files(entries))).toBe(expected);
  });

  it('takes the smaller of affinity and quota', () => {
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '100000 100000' }), 16)).toBe(1);
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '800000 100000' }), 2)).toBe(2);
    expect(usableCpus(files({}), 4)).toBe(4);
  });
});
