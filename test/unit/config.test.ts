// The KERNEL variable: wasm unless told js; anything else is a configuration error at startup.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('loadConfig: KERNEL', () => {
  it('defaults to wasm and accepts js', () => {
    expect(loadConfig({}).compute.kernel).toBe('wasm');
    expect(loadConfig({ KERNEL: 'js' }).compute.kernel).toBe('js');
    expect(loadConfig({ KERNEL: 'wasm' }).compute.kernel).toBe('wasm');
  });

  it('refuses any other value', () => {
    expect(() => loadConfig({ KERNEL: 'simd' })).toThrow(/KERNEL/);
  });
});
