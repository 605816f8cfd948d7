// A grading as the response a client asked for: the json report of API.md §3, Gradescope's
// results.json, or PrairieLearn's external-grader results. One test per graded quantity, worth
// one point, scored by the share of its components that pass. With reveal false nothing here
// carries an expected value or an error size.
import type {
  CompareResponse, GradescopeResults, Mismatch, PrairieLearnResults,
} from '../../schemas/grading.js';
import { type Finding, type Grading, type Tally, gradingPassed } from './compare.js';

export interface ReportOptions {
  reveal: boolean;
  maxMismatches: number;
}

function present(f: Finding, reveal: boolean): Mismatch {
  const m: Mismatch = { path: f.path, kind: f.kind };
  if (f.message !== undefined) m.message = f.message;
  if (f.kind === 'value') {
    if (reveal) m.expected = f.expected;
    m.submitted = f.submitted;
    if (reveal) {
      m.absError = f.absError;
      m.relError = f.relError;
    }
  }
  return m;
}

export function toCompareResponse(grading: Grading, { reveal, maxMismatches }: ReportOptions): CompareResponse {
  let cost: CompareResponse['cost'];
  if (grading.cost) {
    const { expected, submitted, passed } = grading.cost;
    cost = { ...(reveal ? { expected } : {}), ...(submitted !== undefined ? { submitted } : {}), passed };
  }
  return {
    passed: gradingPassed(grading),
    checked: grading.checked,
    failed: grading.findings.length,
    ...(cost ? { cost } : {}),
    mismatches: grading.findings.slice(0, maxMismatches).map((f) => present(f, reveal)),
  };
}

/** One line of a report about one finding. */
function describeFinding(f: Finding, reveal: boolean): string {
  if (f.kind !== 'value') return `${f.path}: ${f.message}`;
  return reveal
    ? `${f.path}: submitted ${f.submitted}, expected ${f.expected} (|s − e| = ${f.absError}, relative ${f.relError})`
    : `${f.path}: submitted ${f.submitted} is outside the tolerance`;
}

interface TestReport {
  tally: Tally;
  /** passing / components, in [0, 1]. */
  share: number;
  passed: boolean;
  summary: string;
  lines: string[];
}

function testReports(grading: Grading, { reveal, maxMismatches }: ReportOptions): TestReport[] {
  const listed = new Set(grading.findings.slice(0, maxMismatches));
  return grading.tallies.map((tally) => {
    const mine = grading.findings.filter((f) => f.groups.includes(tally.key));
    const shown = mine.filter((f) => listed.has(f));
    const lines = shown.map((f) => describeFinding(f, reveal));
    if (shown.length < mine.length) lines.push(`… and ${mine.length - shown.length} more (maxMismatches = ${maxMismatches})`);
    const share = tally.components === 0 ? 0 : tally.passing / tally.components;
    const summary = tally.key === 'structure'
      ? `${mine.length} part${mine.length === 1 ? '' : 's'} of the submission could not be graded`
      : `${tally.passing} of ${tally.components} component${tally.components === 1 ? '' : 's'} within tolerance`;
    return { tally, share, passed: tally.components > 0 && tally.passing === tally.components, summary, lines };
  });
}

function toleranceRule(grading: Grading): string {
  const { rtol, atol } = grading.tolerance;
  return `A component passes when |submitted − expected| ≤ atol + rtol·|expected| (rtol = ${rtol}, atol = ${atol}).`;
}

function overview(grading: Grading, tests: TestReport[]): string {
  if (tests.length === 0) return `Nothing was submitted for grading. ${toleranceRule(grading)}`;
  const passing = tests.filter((t) => t.passed).length;
  return `${passing} of ${tests.length} quantities correct; ${grading.checked} values checked, ${grading.findings.length} mismatches. ${toleranceRule(grading)}`;
}

export function toGradescope(grading: Grading, options: ReportOptions): GradescopeResults {
  const tests = testReports(grading, options);
  return {
    score: tests.reduce((sum, t) => sum + t.share, 0),
    output: overview(grading, tests),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    extra_data: { passed: gradingPassed(grading), checked: grading.checked, failed: grading.findings.length },
    tests: tests.map((t, i) => ({
      name: t.tally.name,
      number: String(i + 1),
      score: t.share,
      max_score: 1,
      status: t.passed ? 'passed' : 'failed',
      output: [t.summary, ...t.lines].join('\n'),
      visibility: 'visible',
      extra_data: { path: t.tally.path, components: t.tally.components, passing: t.tally.passing },
    })),
  };
}

export function toPrairieLearn(grading: Grading, options: ReportOptions): PrairieLearnResults {
  const tests = testReports(grading, options);
  const points = tests.reduce((sum, t) => sum + t.share, 0);
  return {
    gradable: true,
    score: tests.length === 0 ? 0 : Math.min(1, points / tests.length),
    message: overview(grading, tests),
    tests: tests.map((t) => ({
      name: t.tally.name,
      description: t.tally.path === '' ? 'Parts of the submission that are not graded quantities.' : `Graded at ${t.tally.path} of the submission.`,
      points: t.share,
      max_points: 1,
      message: t.summary,
      output: t.lines.join('\n'),
    })),
  };
}
