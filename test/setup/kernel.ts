// KERNEL=js npx vitest run: the whole suite on the JS kernel (by default the WebAssembly one
// runs when built). Pools made in tests take the kernel in force; spawned servers read KERNEL.
import { useKernel } from '../../src/core/dense-kernel.js';

if (process.env.KERNEL === 'js') useKernel('js');
