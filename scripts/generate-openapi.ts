// npm run openapi: writes openapi.yaml at the repository root from the route schemas.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOpenApi, toYaml } from './openapi-document.js';

/** The repository root: two levels above dist/scripts/. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, 'openapi.yaml');
writeFileSync(target, toYaml(await generateOpenApi()));
console.log(`wrote ${target}`);
