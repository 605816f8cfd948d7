// Versions an autograder records to reproduce a result.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's package.json, found upwards from this file (src/ when run by tests, dist/src/ when built). */
function readPackage(): { version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

export const SERVICE_VERSION: string = readPackage().version;
/** Bumped whenever any computed number could change (formulas, summation order, stable forms). */
export const ALGORITHM_VERSION = '1.0.0';
