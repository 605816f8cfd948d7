// examples/autograder.py, run with python3 against a listening service: a right and a wrong
// ("forgets the factor 2") student, each graded into a Gradescope results.json.
import AjvModule from 'ajv';
import type { FastifyInstance } from 'fastify';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../examples/autograder.py', import.meta.url));
const Ajv = AjvModule.default ?? AjvModule;
const validate = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true })
  .compile(JSON.parse(readFileSync(new URL('../integration/schemas/gradescope-results.schema.json', import.meta.url), 'utf8')));

interface Results { score: number; tests: { name: string; status: string; score: number; output: string }[] }

/** The printed documents, by student: each follows its "### results.json for student NAME" line. */
function parse(stdout: string): Record<string, Results> {
  const out: Record<string, Results> = {};
  const parts = stdout.split(/^### results\.json for student (\S+).*$/m);
  for (let i = 1; i < parts.length; i += 2) out[parts[i]] = JSON.parse(parts[i + 1]);
  return out;
}

let app: FastifyInstance;
let base: string;
beforeAll(async () => { app = await makeApp(); base = await listen(app); });
afterAll(async () => { await app.close(); });

describe('examples/autograder.py', () => {
  it('prints a valid Gradescope results.json for each student: full marks, and the factor-2 bug caught', async () => {
    const { stdout } = await run('python3', [script, '--url', base], { timeout: 30_000 });
    const results = parse(stdout);
    expect(Object.keys(results)).toEqual(['correct', 'forgot-factor-2']);
    for (const r of Object.values(results)) expect(validate(r), JSON.stringify(validate.errors)).toBe(true);

    const right = results.correct;
    expect(right.tests).toHaveLength(10);
    expect(right.tests.every((t) => t.status === 'passed' && t.score === 1)).toBe(true);
    expect(right.score).toBe(10);

    // Forgetting the 2 in ∂C₀/∂a⁽ᴸ⁾ = 2(a − y) halves δ⁽ᴸ⁾ and, through Wᵀδ, every δ and ∂C₀/∂a
    // below it — hence every gradient component; the forward quantities (z, a, C₀, C) stay right.
    const wrong = results['forgot-factor-2'];
    const passed = wrong.tests.filter((t) => t.status === 'passed').map((t) => t.name);
    expect(passed).toEqual(['cost C', 'per-example cost C₀', 'z⁽ˡ⁾ of every example and layer', 'a⁽ˡ⁾ of every example and layer']);
    expect(wrong.tests.filter((t) => t.status === 'failed').every((t) => t.score === 0)).toBe(true);
    expect(wrong.score).toBe(4);
    const w2 = wrong.tests.find((t) => t.name.startsWith('∂C/∂W⁽2⁾'))!;
    expect(w2.output).toMatch(/^0 of 6 components within tolerance\n\/gradient\/layers\/1\/weights\/0\/0: submitted .*, expected /);
  });

  it('--hide-expected shows no expected value; --results-dir writes the files Gradescope reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-results-'));
    try {
      const { stdout } = await run('python3', [script, '--url', base, '--hide-expected', '--results-dir', dir], { timeout: 30_000 });
      expect(stdout).not.toMatch(/expected -?\d|relative \d/);
      const results = parse(stdout);
      for (const name of ['correct', 'forgot-factor-2']) {
        expect(JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8'))).toEqual(results[name]);
      }
      expect(results['forgot-factor-2'].score).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with a message when the service refuses the request', async () => {
    await expect(run('python3', [script, '--url', `${base}/nowhere`], { timeout: 30_000 })).rejects.toMatchObject({ code: 2 });
  });
});
