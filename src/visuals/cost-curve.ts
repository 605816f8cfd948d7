// The cost curve of a training run as an SVG document: steps on x, cost on y (linear or log₁₀),
// ticks and labels on both axes, the last value marked and annotated. Pure and deterministic:
// the same costs and options give the same bytes.
import { element, px, short, svgDocument, text } from './svg.js';
import { type Axis, axisUnits, linearAxis, logAxis } from './ticks.js';

export type CostScale = 'linear' | 'log';

export interface CostCurveOptions {
  /** The step at which costs[0] was measured; costs[i] belongs to step firstStep + i. Default 0. */
  firstStep?: number;
  scale?: CostScale;
  /** The heading; default "Cost C over N steps". */
  title?: string;
  width?: number;
  height?: number;
}

export const COST_CURVE_COLORS = { line: '#2563eb', last: '#dc2626', grid: '#e5e7eb', axis: '#374151', text: '#111827' } as const;

const MARGIN = { left: 76, right: 28, top: 44, bottom: 56 };

/**
 * On a log axis a cost ≤ 0 has no place: such points are left out (the line breaks there) and
 * the picture says how many were left out.
 */
export function renderCostCurve(costs: readonly number[], options: CostCurveOptions = {}): string {
  const scale = options.scale ?? 'linear';
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const firstStep = options.firstStep ?? 0;
  const title = options.title ?? `Cost C over ${costs.length} step${costs.length === 1 ? '' : 's'}${scale === 'log' ? ' (log scale)' : ''}`;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };

  const drawable = costs.map((c) => Number.isFinite(c) && (scale === 'linear' || c > 0));
  const values = costs.filter((_, i) => drawable[i]);
  const lastStep = firstStep + Math.max(0, costs.length - 1);
  const xAxis = linearAxis(firstStep, Math.max(lastStep, firstStep + 1), 6, true);
  const yAxis: Axis = values.length === 0
    ? (scale === 'log' ? logAxis(0.1, 10) : linearAxis(0, 1, 5))
    : scale === 'log'
      ? logAxis(Math.min(...values), Math.max(...values))
      : linearAxis(Math.min(0, ...values), Math.max(...values), 5);

  const x = (step: number) => plot.left + ((step - xAxis.min) / (xAxis.max - xAxis.min)) * (plot.right - plot.left);
  const y = (cost: number) => plot.bottom - ((axisUnits(yAxis, cost) - yAxis.min) / (yAxis.max - yAxis.min)) * (plot.bottom - plot.top);

  const body: string[] = [
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    text(width / 2, 24, title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold', fill: COST_CURVE_COLORS.text }),
  ];

  // Grid and ticks: y first (horizontal lines), then x.
  for (const tick of yAxis.ticks) {
    const ty = plot.bottom - ((tick.at - yAxis.min) / (yAxis.max - yAxis.min)) * (plot.bottom - plot.top);
    body.push(element('line', { class: 'grid-y', x1: plot.left, y1: ty, x2: plot.right, y2: ty, stroke: COST_CURVE_COLORS.grid }));
    body.push(element('line', { class: 'tick-y', x1: plot.left - 5, y1: ty, x2: plot.left, y2: ty, stroke: COST_CURVE_COLORS.axis }));
    body.push(text(plot.left - 8, ty + 4, tick.label, { class: 'tick-label-y', 'text-anchor': 'end', 'font-size': 11, fill: COST_CURVE_COLORS.text }));
  }
  for (const tick of xAxis.ticks) {
    const tx = x(tick.at);
    body.push(element('line', { class: 'grid-x', x1: tx, y1: plot.top, x2: tx, y2: plot.bottom, stroke: COST_CURVE_COLORS.grid }));
    body.push(element('line', { class: 'tick-x', x1: tx, y1: plot.bottom, x2: tx, y2: plot.bottom + 5, stroke: COST_CURVE_COLORS.axis }));
    body.push(text(tx, plot.bottom + 18, tick.label, { class: 'tick-label-x', 'text-anchor': 'middle', 'font-size': 11, fill: COST_CURVE_COLORS.text }));
  }
  body.push(element('path', {
    class: 'axes', d: `M${px(plot.left)} ${px(plot.top)}V${px(plot.bottom)}H${px(plot.right)}`, fill: 'none', stroke: COST_CURVE_COLORS.axis,
  }));
  body.push(text((plot.left + plot.right) / 2, height - 14, 'step', { class: 'axis-label', 'text-anchor': 'middle', 'font-size': 12, fill: COST_CURVE_COLORS.text }));
  body.push(text(18, (plot.top + plot.bottom) / 2, scale === 'log' ? 'cost C (log₁₀ scale)' : 'cost C', {
    class: 'axis-label', 'text-anchor': 'middle', 'font-size': 12, fill: COST_CURVE_COLORS.text,
    transform: `rotate(-90 18 ${px((plot.top + plot.bottom) / 2)})`,
  }));

  // The curve: one polyline per unbroken run of drawable points.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) {
      body.push(element('polyline', {
        class: 'cost-line', points: run.join(' '), fill: 'none', stroke: COST_CURVE_COLORS.line, 'stroke-width': 2, 'stroke-linejoin': 'round',
      }));
    }
    run = [];
  };
  costs.forEach((c, i) => {
    if (drawable[i]) run.push(`${px(x(firstStep + i))},${px(y(c))}`);
    else flush();
  });
  flush();

  const hidden = costs.length - values.length;
  if (hidden > 0) {
    body.push(text(plot.right, plot.top - 6, `${hidden} cost${hidden === 1 ? '' : 's'} ≤ 0 or not finite not shown`, {
      class: 'note', 'text-anchor': 'end', 'font-size': 11, fill: COST_CURVE_COLORS.last,
    }));
  }
  if (costs.length === 0) {
    body.push(text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no steps yet', {
      class: 'note', 'text-anchor': 'middle', 'font-size': 14, fill: COST_CURVE_COLORS.axis,
    }));
  }

  const lastIndex = costs.length - 1;
  if (lastIndex >= 0 && drawable[lastIndex]) {
    const lx = x(firstStep + lastIndex);
    const ly = y(costs[lastIndex]);
    body.push(element('circle', { class: 'last-point', cx: lx, cy: ly, r: 4, fill: COST_CURVE_COLORS.last }));
    // In the corner of the plot away from the last point (top right when it lies low, bottom
    // right when it lies high), where a falling or rising curve leaves room.
    const ty = ly > (plot.top + plot.bottom) / 2 ? plot.top + 16 : plot.bottom - 10;
    body.push(text(plot.right - 6, ty, `step ${lastStep}: C = ${short(costs[lastIndex], 6)}`, {
      class: 'last-label', 'text-anchor': 'end', 'font-size': 12, 'font-weight': 'bold', fill: COST_CURVE_COLORS.last,
      // A white halo keeps the label readable where it crosses the curve.
      stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
    }));
  }
  return svgDocument(width, height, title, body);
}
