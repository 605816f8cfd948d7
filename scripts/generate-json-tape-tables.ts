// npm run json-tape-tables: writes assembly/json-tape-tables.ts (the Eisel–Lemire powers of ten)
// from scripts/json-tape-tables.ts. Committed, so the WebAssembly build needs no generation step.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonTapeTablesSource } from './json-tape-tables.js';

/** The repository root: two levels above dist/scripts/. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, 'assembly', 'json-tape-tables.ts');
writeFileSync(target, jsonTapeTablesSource());
console.log(`wrote ${target}`);
