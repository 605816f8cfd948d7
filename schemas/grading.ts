// POST /v1/gradient/check, POST /v1/gradient/compare and the graders' own report documents
// (API.md §3), plus the golden fixtures served at GET /v1/fixtures.
import { type Static, Type } from 'typebox';
import { lessonChainRequest } from './examples.js';
import { gradientRequestProperties } from './compute.js';

const closed = { additionalProperties: false } as const;

const lessonChain = lessonChainRequest;

// ---------------------------------------------------------------- check

export const CheckRequest = Type.Object({
  ...gradientRequestProperties,
  epsilon: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Step ε of the central difference (C(θ+ε) − C(θ−ε)) / 2ε; default 1e-6.' })),
  tolerance: Type.Optional(Type.Number({ minimum: 0, description: 'passed = maxRelError ≤ tolerance; default 1e-7.' })),
}, { ...closed, examples: [{ ...lessonChain, epsilon: 1e-6, tolerance: 1e-7 }] });
export type CheckRequest = Static<typeof CheckRequest>;

export const CheckResponse = Type.Object({
  passed: Type.Boolean({ description: 'maxRelError ≤ tolerance.' }),
  maxAbsError: Type.Number({ description: 'max over components of |a − n|.' }),
  maxRelError: Type.Number({ description: 'max over components of |a − n| / max(|a| + |n|, 1e-8) (the CS231n form).' }),
  analytic: Type.Array(Type.Number(), { description: 'The backpropagated gradient vector ∂C/∂θ (the documented order).' }),
  numeric: Type.Array(Type.Number(), { description: 'The central differences, component by component, in the same order.' }),
}, closed);
export type CheckResponse = Static<typeof CheckResponse>;

// ---------------------------------------------------------------- compare

const Anything = (description: string) => Type.Unknown({ description });

/**
 * What a student computed. The top level is closed (a misspelt key is a 400: it would grade
 * nothing), but every value below it is accepted as any JSON: a ragged, short or mistyped array
 * is the student's mistake, graded as a mismatch at its path, never a 4xx.
 */
export const Submission = Type.Object({
  cost: Type.Optional(Anything('C, the batch cost.')),
  gradient: Type.Optional(Anything('{ layers: [{ weights, biases }] } (the network\'s shapes) or a flat gradient vector.')),
  examples: Type.Optional(Anything('[{ cost?, layers: [{ z?, a?, dCda?, dCdz? }] }], one per example, in order.')),
}, { ...closed, description: 'The numbers to grade. Shapes are graded, not validated.' });
export type Submission = Static<typeof Submission>;

export const Tolerance = Type.Object({
  rtol: Type.Optional(Type.Number({ minimum: 0, description: 'Relative tolerance; default 1e-5.' })),
  atol: Type.Optional(Type.Number({ minimum: 0, description: 'Absolute tolerance; default 1e-8.' })),
}, { ...closed, description: 'A component passes when |submitted − expected| ≤ atol + rtol·|expected| (numpy.allclose).' });

export const REPORT_FORMATS = ['json', 'gradescope', 'prairielearn'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CompareRequest = Type.Object({
  ...gradientRequestProperties,
  submitted: Submission,
  tolerance: Type.Optional(Tolerance),
  maxMismatches: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'At most this many mismatches are listed (default 50); `failed` counts them all.' })),
  reveal: Type.Optional(Type.Boolean({ description: 'false: no expected value and no error size anywhere in the response (default true).' })),
  format: Type.Optional(Type.Enum([...REPORT_FORMATS], { description: 'json (default), or the grader\'s own document: gradescope (results.json), prairielearn (external grader results).' })),
}, { ...closed, examples: [{ ...lessonChain, submitted: { cost: 0.33, gradient: [0, 0, 0.036, 0.056, 0.14, 0.28] }, tolerance: { rtol: 1e-5, atol: 1e-8 } }] });
export type CompareRequest = Static<typeof CompareRequest>;

export const MISMATCH_KINDS = ['value', 'not-a-number', 'shape', 'missing', 'unknown-field'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export const Mismatch = Type.Object({
  path: Type.String({ description: 'JSON Pointer into `submitted`.' }),
  kind: Type.Enum([...MISMATCH_KINDS], { description: 'value: a number outside the tolerance; not-a-number: a string, null, … where a number belongs; shape: an array of the wrong length or a non-array; missing: a quantity absent here but given elsewhere; unknown-field: a key that is not graded.' }),
  message: Type.Optional(Type.String({ description: 'What is wrong (never an expected value), for every kind but value.' })),
  expected: Type.Optional(Type.Number({ description: 'Only for kind value, and only with reveal.' })),
  submitted: Type.Optional(Type.Number({ description: 'The submitted number (kind value).' })),
  absError: Type.Optional(Type.Number({ description: '|s − e| (kind value, reveal only).' })),
  relError: Type.Optional(Type.Number({ description: '|s − e| / max(|e|, 1e-12) (kind value, reveal only).' })),
}, closed);
export type Mismatch = Static<typeof Mismatch>;

export const CompareResponse = Type.Object({
  passed: Type.Boolean({ description: 'Something was checked and nothing failed.' }),
  checked: Type.Integer({ description: 'Submitted values compared with an expected number (a non-number in a number\'s place counts).' }),
  failed: Type.Integer({ description: 'Every mismatch, listed or not.' }),
  cost: Type.Optional(Type.Object({
    expected: Type.Optional(Type.Number({ description: 'C (reveal only).' })),
    submitted: Type.Optional(Type.Number()),
    passed: Type.Boolean(),
  }, closed)),
  mismatches: Type.Array(Mismatch, { description: 'In submission order; at most maxMismatches.' }),
}, closed);
export type CompareResponse = Static<typeof CompareResponse>;

const Visibility = Type.Enum(['hidden', 'after_due_date', 'after_published', 'visible']);
const OutputFormat = Type.Enum(['text', 'html', 'simple_format', 'md', 'ansi']);

/** Gradescope's results.json (gradescope-autograders.readthedocs.io/en/latest/specs/). */
export const GradescopeResults = Type.Object({
  score: Type.Number({ description: 'Σ of the tests\' scores.' }),
  output: Type.String(),
  output_format: OutputFormat,
  test_output_format: OutputFormat,
  test_name_format: OutputFormat,
  extra_data: Type.Object({ passed: Type.Boolean(), checked: Type.Integer(), failed: Type.Integer() }),
  tests: Type.Array(Type.Object({
    name: Type.String(),
    number: Type.String(),
    score: Type.Number({ description: 'max_score × (passing components / components).' }),
    max_score: Type.Number(),
    status: Type.Enum(['passed', 'failed']),
    output: Type.String(),
    visibility: Visibility,
    extra_data: Type.Object({ path: Type.String(), components: Type.Integer(), passing: Type.Integer() }),
  })),
}, { description: 'format gradescope: Gradescope\'s results.json.' });
export type GradescopeResults = Static<typeof GradescopeResults>;

/** PrairieLearn's external-grader results (prairielearn.readthedocs.io/en/latest/externalGrading/). */
export const PrairieLearnResults = Type.Object({
  gradable: Type.Boolean(),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Σ points / Σ max_points.' }),
  message: Type.String(),
  tests: Type.Array(Type.Object({
    name: Type.String(),
    description: Type.String(),
    points: Type.Number(),
    max_points: Type.Number(),
    message: Type.String(),
    output: Type.String(),
  })),
}, { description: 'format prairielearn: PrairieLearn\'s external-grader results.json.' });
export type PrairieLearnResults = Static<typeof PrairieLearnResults>;

export const CompareResult = Type.Union([CompareResponse, GradescopeResults, PrairieLearnResults], {
  description: 'The json report (default), or the document the `format` names.',
});
export type CompareResult = Static<typeof CompareResult>;

// ---------------------------------------------------------------- fixtures

export const FixtureSummary = Type.Object({
  name: Type.String(),
  title: Type.String(),
  request: Type.Object({ method: Type.String(), path: Type.String() }),
}, closed);

export const FixtureList = Type.Object({ fixtures: Type.Array(FixtureSummary) }, closed);
export type FixtureList = Static<typeof FixtureList>;

export const Fixture = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  derivation: Type.String({ description: 'How the expected response was computed, independently of the service.' }),
  tolerance: Type.Object({ rtol: Type.Number(), atol: Type.Number() }, { description: 'How closely the service must agree: |s − e| ≤ atol + rtol·|e|.' }),
  request: Type.Object({ method: Type.String(), path: Type.String(), body: Type.Unknown() }),
  response: Type.Object({ status: Type.Integer(), body: Type.Unknown() }),
}, { description: 'A golden request → response pair.' });
export type Fixture = Static<typeof Fixture>;

export const FixtureName = Type.Object({ name: Type.String({ description: 'The fixture\'s name, as listed.' }) }, closed);
