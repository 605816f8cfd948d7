// The cost curve: its geometry is checked against the documented layout (640×360, plot from
// x 76…612 and y 44…304) and axes whose ticks a reader would choose by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COST_CURVE_COLORS, renderCostCurve } from '../../../src/visuals/cost-curve.js';
import { findAll, num, parseSvg } from '../../helpers/svg.js';

const PLOT = { left: 76, right: 612, top: 44, bottom: 304 };

function points(svg: string): [number, number][][] {
  return findAll(parseSvg(svg), 'polyline', 'cost-line')
    .map((p) => p.attrs.points.split(' ').map((xy) => xy.split(',').map(Number) as [number, number]));
}

describe('renderCostCurve', () => {
  const costs = [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1];

  it('draws one point per cost, at x = step and y = cost on a 0…1 axis', () => {
    const svg = renderCostCurve(costs);
    const [line] = points(svg);
    expect(points(svg)).toHaveLength(1);
    expect(line).toHaveLength(costs.length);
    costs.forEach((c, i) => {
      // x axis 0…10 (ticks every 2), y axis 0…1 (ticks every 0.2)
      expect(line[i][0]).toBeCloseTo(PLOT.left + (i / 10) * (PLOT.right - PLOT.left), 2);
      expect(line[i][1]).toBeCloseTo(PLOT.bottom - c * (PLOT.bottom - PLOT.top), 2);
    });
  });

  it('labels ticks a reader would choose and names both axes', () => {
    const root = parseSvg(renderCostCurve(costs));
    expect(findAll(root, 'text', 'tick-label-x').map((t) => t.text)).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(findAll(root, 'text', 'tick-label-y').map((t) => t.text)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(findAll(root, 'line', 'tick-x')).toHaveLength(6);
    expect(findAll(root, 'line', 'tick-y')).toHaveLength(6);
    expect(findAll(root, 'text', 'axis-label').map((t) => t.text)).toEqual(['step', 'cost C']);
  });

  it('marks and annotates the last value, at its step', () => {
    const root = parseSvg(renderCostCurve(costs, { firstStep: 40 }));
    const [dot] = findAll(root, 'circle', 'last-point');
    const line = findAll(root, 'polyline', 'cost-line')[0].attrs.points.split(' ');
    expect(`${num(dot, 'cx')},${num(dot, 'cy')}`).toBe(line[line.length - 1]);
    expect(dot.attrs.fill).toBe(COST_CURVE_COLORS.last);
    expect(findAll(root, 'text', 'last-label')[0].text).toBe('step 50: C = 0.1');
  });

  it('on a log scale puts whole decades at equal distances', () => {
    const root = parseSvg(renderCostCurve([0.5, 0.05, 0.02], { scale: 'log' }));
    const labels = findAll(root, 'text', 'tick-label-y').map((t) => t.text);
    // Two decades: 2× and 5× are ticks too, at log₁₀ 2 and log₁₀ 5 of a decade.
    expect(labels).toEqual(['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']);
    const ys = findAll(root, 'line', 'tick-y').map((l) => num(l, 'y1'));
    const decade = (PLOT.bottom - PLOT.top) / 2;
    const expected = [0, Math.log10(2), Math.log10(5), 1, 1 + Math.log10(2), 1 + Math.log10(5), 2].map((d) => PLOT.bottom - d * decade);
    ys.forEach((y, i) => expect(y).toBeCloseTo(expected[i], 2));
    // Over more decades only the decades are ticks.
    const wide = parseSvg(renderCostCurve([10, 1e-3], { scale: 'log' }));
    expect(findAll(wide, 'text', 'tick-label-y').map((t) => t.text)).toEqual(['0.001', '0.01', '0.1', '1', '10']);
    const tiny = parseSvg(renderCostCurve([3e-7, 2e-9], { scale: 'log' }));
    expect(findAll(tiny, 'text', 'tick-label-y').map((t) => t.text)).toEqual(['1e-9', '1e-8', '1e-7', '1e-6']);
    const [line] = points(renderCostCurve([0.5, 0.05, 0.02], { scale: 'log' }));
    // log₁₀ 0.05 = −1.30103: 0.30103 of a decade below 0.1
    expect(line[1][1]).toBeCloseTo(PLOT.bottom - ((Math.log10(0.05) + 2) / 2) * (PLOT.bottom - PLOT.top), 2);
  });

  it('on a log scale leaves out costs ≤ 0, breaks the line there and says so', () => {
    const root = parseSvg(renderCostCurve([1, 0.5, 0, 0.2, 0.1], { scale: 'log' }));
    const lines = findAll(root, 'polyline', 'cost-line');
    expect(lines.map((l) => l.attrs.points.split(' ').length)).toEqual([2, 2]);
    expect(findAll(root, 'text', 'note')[0].text).toBe('1 cost ≤ 0 or not finite not shown');
  });

  it('draws an empty history as axes and a note, and a single cost as one point', () => {
    const empty = parseSvg(renderCostCurve([]));
    expect(findAll(empty, 'polyline')).toHaveLength(0);
    expect(findAll(empty, 'text', 'note')[0].text).toBe('no steps yet');
    const one = parseSvg(renderCostCurve([0.25], { firstStep: 3 }));
    expect(findAll(one, 'polyline', 'cost-line')[0].attrs.points.split(' ')).toHaveLength(1);
    expect(findAll(one, 'text', 'last-label')[0].text).toBe('step 3: C = 0.25');
  });

  it('escapes text: a title with markup stays text', () => {
    const title = '<b>"cost" & \'more\'</b>';
    const root = parseSvg(renderCostCurve(costs, { title }));
    const heading = findAll(root, 'text').find((t) => t.attrs['font-weight'] === 'bold' && t.attrs['font-size'] === '15');
    expect(heading?.text).toBe(title); // the parser decodes the entities back
    expect(renderCostCurve(costs, { title })).toContain('&lt;b&gt;&quot;cost&quot; &amp; &apos;more&apos;&lt;/b&gt;');
    expect(findAll(root, 'b')).toHaveLength(0);
  });

  it('is byte-identical for the same costs, and follows their order (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 60 }),
      fc.constantFrom('linear' as const, 'log' as const),
      fc.nat(1000),
      (values, scale, firstStep) => {
        const svg = renderCostCurve(values, { scale, firstStep });
        expect(renderCostCurve([...values], { scale, firstStep })).toBe(svg);
        const [line] = points(svg);
        expect(line).toHaveLength(values.length);
        for (let i = 1; i < values.length; i++) {
          expect(line[i][0]).toBeGreaterThan(line[i - 1][0]);
          // a larger cost is never drawn lower (y grows downwards); 0.01 px of rounding allowed
          if (values[i] > values[i - 1]) expect(line[i][1]).toBeLessThanOrEqual(line[i - 1][1] + 0.01);
          if (values[i] < values[i - 1]) expect(line[i][1]).toBeGreaterThanOrEqual(line[i - 1][1] - 0.01);
        }
        for (const [x, y] of line) {
          expect(x).toBeGreaterThanOrEqual(PLOT.left - 0.01);
          expect(x).toBeLessThanOrEqual(PLOT.right + 0.01);
          expect(y).toBeGreaterThanOrEqual(PLOT.top - 0.01);
          expect(y).toBeLessThanOrEqual(PLOT.bottom + 0.01);
        }
      },
    ), { numRuns: 60 });
  });
});
