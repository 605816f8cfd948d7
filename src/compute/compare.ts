// Grading a submission against the exact answer, component by component, with numpy's
// allclose rule  |s − e| ≤ atol + rtol·|e|.  The submission is untrusted JSON of any shape:
// every structural mistake (a ragged row, a short array, a string where a number belongs, a
// key that is not graded) becomes a mismatch at its JSON Pointer, never an exception.
//
// Components are tallied per graded quantity (a "group": the cost, each layer's weights and
// biases, each per-example kind); the graders' reports give partial credit by those tallies.
import type { GradientResponse } from '../../schemas/compute.js';
import type { MismatchKind } from '../../schemas/grading.js';
import { pointerToken } from '../errors.js';

export const DEFAULT_RTOL = 1e-5;
export const DEFAULT_ATOL = 1e-8;
export const DEFAULT_MAX_MISMATCHES = 50;
/** The floor of relError's denominator: a relative error against an expected 0 stays finite. */
export const REL_ERROR_FLOOR = 1e-12;

export interface Tolerance { rtol: number; atol: number }

export interface Finding {
  path: string;
  kind: MismatchKind;
  message?: string;
  expected?: number;
  submitted?: number;
  absError?: number;
  relError?: number;
  /** The groups whose components this finding fails (a wrong-length array can span several). */
  groups: string[];
}

export interface Tally {
  key: string;
  /** Shown as the test's name in the graders' reports. */
  name: string;
  /** Where the quantity sits in `submitted` ('*' for every index). */
  path: string;
  components: number;
  passing: number;
}

export interface Grading {
  checked: number;
  findings: Finding[];
  /** Groups that were graded, in report order. */
  tallies: Tally[];
  cost?: { expected: number; submitted?: number; passed: boolean };
  tolerance: Tolerance;
}

/** What the service computed: the /v1/gradient response with activations, sensitivities and vector. */
export type Expected = Pick<GradientResponse, 'cost' | 'gradient' | 'examples'> & { vector: number[] };

const EXAMPLE_LAYER_KINDS = ['z', 'a', 'dCda', 'dCdz'] as const;
type ExampleLayerKind = (typeof EXAMPLE_LAYER_KINDS)[number];
const EXAMPLE_KIND_NAMES: Record<'cost' | ExampleLayerKind, string> = {
  cost: 'per-example cost C₀',
  z: 'z⁽ˡ⁾ of every example and layer',
  a: 'a⁽ˡ⁾ of every example and layer',
  dCda: '∂C₀/∂a⁽ˡ⁾ of every example and layer',
  dCdz: '∂C₀/∂z⁽ˡ⁾ = δ⁽ˡ⁾ of every example and layer',
};
const STRUCTURE = 'structure';

type Json = unknown;
type Share = [group: string, components: number];

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o: Record<string, Json>, key: string) => Object.hasOwn(o, key);
/** Two finite doubles can still differ by more than the largest double: saturate, JSON has no Infinity. */
const saturate = (x: number) => Math.min(x, Number.MAX_VALUE);

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : String(v); // Infinity from 1e400, NaN
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function leafCount(e: readonly (number | readonly number[])[]): number {
  let n = 0;
  for (const x of e) n += Array.isArray(x) ? x.length : 1;
  return n;
}

class Grader {
  checked = 0;
  readonly findings: Finding[] = [];
  private readonly tallies = new Map<string, Tally>();
  private readonly order: string[] = [];

  constructor(private readonly tolerance: Tolerance, private readonly catalog: Map<string, { name: string; path: string }>) {
    this.order = [...catalog.keys()];
  }

  tally(key: string): Tally {
    let t = this.tallies.get(key);
    if (!t) {
      const entry = this.catalog.get(key)!;
      t = { key, name: entry.name, path: entry.path, components: 0, passing: 0 };
      this.tallies.set(key, t);
    }
    return t;
  }

  sortedTallies(): Tally[] {
    return this.order.filter((k) => this.tallies.has(k)).map((k) => this.tallies.get(k)!);
  }

  /** A structural failure: every component of the shares fails, one finding records why. */
  fail(path: string, kind: MismatchKind, message: string, shares: Share[]): void {
    const effective: Share[] = shares.length > 0 ? shares : [[STRUCTURE, 1]];
    for (const [group, components] of effective) this.tally(group).components += components;
    this.findings.push({ path, kind, message, groups: effective.map(([g]) => g) });
  }

  unknownFields(path: string, object: Record<string, Json>, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.fail(`${path}/${pointerToken(key)}`, 'unknown-field', `is not a graded field (expected ${allowed.join(', ')})`, []);
      }
    }
  }

  /** One component: |s − e| ≤ atol + rtol·|e|. */
  number(path: string, s: Json, e: number, group: string): boolean {
    const t = this.tally(group);
    t.components += 1;
    this.checked += 1;
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      this.findings.push({ path, kind: 'not-a-number', message: `is ${describe(s)}, not a finite number`, groups: [group] });
      return false;
    }
    const diff = Math.abs(s - e);
    if (diff <= this.tolerance.atol + this.tolerance.rtol * Math.abs(e)) {
      t.passing += 1;
      return true;
    }
    this.findings.push({
      path, kind: 'value', expected: e, submitted: s,
      absError: saturate(diff), relError: saturate(diff / Math.max(Math.abs(e), REL_ERROR_FLOOR)), groups: [group],
    });
    return false;
  }

  /** A vector or a matrix, compared element by element once its shape agrees. */
  array(path: string, s: Json, e: readonly (number | readonly number[])[], group: string): void {
    if (!Array.isArray(s)) {
      this.fail(path, 'shape', `is ${describe(s)}, not an array of ${e.length}`, [[group, leafCount(e)]]);
      return;
    }
    if (s.length !== e.length) {
      this.fail(path, 'shape', `has ${s.length} entries; ${e.length} expected`, [[group, leafCount(e)]]);
      return;
    }
    e.forEach((ei, i) => {
      if (Array.isArray(ei)) this.array(`${path}/${i}`, s[i], ei, group);
      else this.number(`${path}/${i}`, s[i], ei as number, group);
    });
  }
}

function gradientKey(layer: number, kind: 'weights' | 'biases'): string {
  return `gradient/${layer}/${kind}`;
}

function buildCatalog(expected: Expected, vectorForm: boolean): Map<string, { name: string; path: string }> {
  const catalog = new Map<string, { name: string; path: string }>();
  catalog.set('cost', { name: 'cost C', path: '/cost' });
  expected.gradient.layers.forEach((_, l) => {
    const at = vectorForm ? '/gradient' : `/gradient/layers/${l}`;
    catalog.set(gradientKey(l, 'weights'), { name: `∂C/∂W⁽${l + 1}⁾ (layer ${l + 1} weights)`, path: vectorForm ? at : `${at}/weights` });
    catalog.set(gradientKey(l, 'biases'), { name: `∂C/∂b⁽${l + 1}⁾ (layer ${l + 1} biases)`, path: vectorForm ? at : `${at}/biases` });
  });
  catalog.set('examples/cost', { name: EXAMPLE_KIND_NAMES.cost, path: '/examples/*/cost' });
  for (const k of EXAMPLE_LAYER_KINDS) catalog.set(`examples/${k}`, { name: EXAMPLE_KIND_NAMES[k], path: `/examples/*/layers/*/${k}` });
  catalog.set(STRUCTURE, { name: 'submission structure', path: '' });
  return catalog;
}

function gradeGradient(g: Grader, s: Json, expected: Expected): void {
  const layers = expected.gradient.layers;
  const all: Share[] = layers.flatMap((l, i) => [
    [gradientKey(i, 'weights'), leafCount(l.weights)] as Share,
    [gradientKey(i, 'biases'), l.biases.length] as Share,
  ]);
  if (Array.isArray(s)) {
    const n = expected.vector.length;
    if (s.length !== n) {
      g.fail('/gradient', 'shape', `has ${s.length} components; the gradient vector has ${n}`, all);
      return;
    }
    // The documented order: layer 1 weights row by row, layer 1 biases, layer 2 weights, …
    let i = 0;
    layers.forEach((l, li) => {
      for (let c = 0; c < leafCount(l.weights); c++, i++) g.number(`/gradient/${i}`, s[i], expected.vector[i], gradientKey(li, 'weights'));
      for (let c = 0; c < l.biases.length; c++, i++) g.number(`/gradient/${i}`, s[i], expected.vector[i], gradientKey(li, 'biases'));
    });
    return;
  }
  if (!isObject(s)) {
    g.fail('/gradient', 'shape', `is ${describe(s)}, neither { layers } nor a gradient vector`, all);
    return;
  }
  g.unknownFields('/gradient', s, ['layers']);
  if (!has(s, 'layers')) {
    g.fail('/gradient/layers', 'missing', 'is missing', all);
    return;
  }
  const submitted = s.layers;
  if (!Array.isArray(submitted) || submitted.length !== layers.length) {
    const what = Array.isArray(submitted) ? `has ${submitted.length} layers; ${layers.length} expected` : `is ${describe(submitted)}, not an array of ${layers.length} layers`;
    g.fail('/gradient/layers', 'shape', what, all);
    return;
  }
  layers.forEach((layer, l) => {
    const at = `/gradient/layers/${l}`;
    const sl = submitted[l];
    if (!isObject(sl)) {
      g.fail(at, 'shape', `is ${describe(sl)}, not an object { weights, biases }`, all.slice(2 * l, 2 * l + 2));
      return;
    }
    g.unknownFields(at, sl, ['weights', 'biases']);
    for (const kind of ['weights', 'biases'] as const) {
      const key = gradientKey(l, kind);
      if (has(sl, kind)) g.array(`${at}/${kind}`, sl[kind], layer[kind], key);
      else g.fail(`${at}/${kind}`, 'missing', 'is missing', [[key, leafCount(layer[kind])]]);
    }
  });
}

/** The per-example kinds the submission grades: any one example naming a kind grades it in all. */
function submittedKinds(examples: Json[]): { cost: boolean; layerKinds: ExampleLayerKind[] } {
  let cost = false;
  const seen = new Set<ExampleLayerKind>();
  for (const ex of examples) {
    if (!isObject(ex)) continue;
    if (has(ex, 'cost')) cost = true;
    if (!Array.isArray(ex.layers)) continue;
    for (const layer of ex.layers) {
      if (!isObject(layer)) continue;
      for (const k of EXAMPLE_LAYER_KINDS) if (has(layer, k)) seen.add(k);
    }
  }
  return { cost, layerKinds: EXAMPLE_LAYER_KINDS.filter((k) => seen.has(k)) };
}

function gradeExamples(g: Grader, s: Json, expected: Expected): void {
  const n = expected.examples.length;
  if (!Array.isArray(s)) {
    g.fail('/examples', 'shape', `is ${describe(s)}, not an array of ${n} examples`, []);
    return;
  }
  const { cost, layerKinds } = submittedKinds(s);
  const widths = expected.examples[0].layers!.map((l) => l.z!.length);
  const perLayer = (l: number): Share[] => layerKinds.map((k) => [`examples/${k}`, widths[l]]);
  const perExample = (): Share[] => [
    ...(cost ? [['examples/cost', 1] as Share] : []),
    ...layerKinds.map((k): Share => [`examples/${k}`, widths.reduce((a, b) => a + b, 0)]),
  ];
  if (s.length !== n) {
    g.fail('/examples', 'shape', `has ${s.length} examples; the request has ${n}`, perExample().map(([k, c]) => [k, c * n]));
    return;
  }
  s.forEach((ex, e) => {
    const at = `/examples/${e}`;
    const want = expected.examples[e];
    if (!isObject(ex)) {
      g.fail(at, 'shape', `is ${describe(ex)}, not an object { cost, layers }`, perExample());
      return;
    }
    g.unknownFields(at, ex, ['cost', 'layers']);
    if (cost) {
      if (has(ex, 'cost')) g.number(`${at}/cost`, ex.cost, want.cost, 'examples/cost');
      else g.fail(`${at}/cost`, 'missing', 'is missing (another example has a cost)', [['examples/cost', 1]]);
    }
    if (!has(ex, 'layers')) {
      if (layerKinds.length > 0) g.fail(`${at}/layers`, 'missing', `is missing (another example has ${layerKinds.join(', ')})`, perExample().filter(([k]) => k !== 'examples/cost'));
      return;
    }
    const layers = ex.layers;
    const L = widths.length;
    const allLayers = perExample().filter(([k]) => k !== 'examples/cost');
    if (!Array.isArray(layers)) {
      g.fail(`${at}/layers`, 'shape', `is ${describe(layers)}, not an array of ${L} layers`, allLayers);
      return;
    }
    if (layers.length !== L) {
      g.fail(`${at}/layers`, 'shape', `has ${layers.length} layers; the network has ${L}`, allLayers);
      return;
    }
    layers.forEach((layer, l) => {
      const lat = `${at}/layers/${l}`;
      if (!isObject(layer)) {
        g.fail(lat, 'shape', `is ${describe(layer)}, not an object { z, a, dCda, dCdz }`, perLayer(l));
        return;
      }
      g.unknownFields(lat, layer, EXAMPLE_LAYER_KINDS);
      for (const k of layerKinds) {
        const wanted = want.layers![l][k]!;
        if (has(layer, k)) g.array(`${lat}/${k}`, layer[k], wanted, `examples/${k}`);
        else g.fail(`${lat}/${k}`, 'missing', `is missing (another layer or example has ${k})`, [[`examples/${k}`, wanted.length]]);
      }
    });
  });
}

/** Grades every quantity the submission contains. Pure: the same inputs give the same findings, in submission order. */
export function gradeSubmission(expected: Expected, submitted: Record<string, Json>, tolerance: Tolerance): Grading {
  const vectorForm = Array.isArray(submitted.gradient);
  const g = new Grader(tolerance, buildCatalog(expected, vectorForm));
  let cost: Grading['cost'];
  if (has(submitted, 'cost')) {
    const s = submitted.cost;
    const passed = g.number('/cost', s, expected.cost, 'cost');
    cost = { expected: expected.cost, ...(typeof s === 'number' && Number.isFinite(s) ? { submitted: s } : {}), passed };
  }
  if (has(submitted, 'gradient')) gradeGradient(g, submitted.gradient, expected);
  if (has(submitted, 'examples')) gradeExamples(g, submitted.examples, expected);
  return { checked: g.checked, findings: g.findings, tallies: g.sortedTallies(), cost, tolerance };
}

/** passed: something was checked and nothing failed (an empty submission does not pass). */
export function gradingPassed(grading: Grading): boolean {
  return grading.checked > 0 && grading.findings.length === 0;
}
