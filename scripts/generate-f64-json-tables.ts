// npm run f64-tables: writes assembly/f64-json-tables.ts (the Ryu powers of five) from
// scripts/f64-json-tables.ts. Committed, so the WebAssembly build needs no generation step.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { f64JsonTablesSource } from './f64-json-tables.js';

/** The repository root: two levels above dist/scripts/. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, 'assembly', 'f64-json-tables.ts');
writeFileSync(target, f64JsonTablesSource());
console.log(`wrote ${target}`);
