// The lesson's picture of a network as an SVG document: neurons as circles lit by their
// activation for one example, connections coloured by the sign of their weight (blue > 0,
// red < 0), drawn thicker where |∂C/∂w| is larger and more opaque where |w| is larger, each
// neuron's bias beside it, layer sizes below. A layer wider than maxNeuronsPerLayer shows its
// first k and last k neurons and a "⋮ n more" marker between them. Pure and deterministic.
import { element, mix, px, short, svgDocument, text } from './svg.js';

export interface DiagramLayer { weights: number[][]; biases: number[]; activation?: string }

export interface DiagramInput {
  /** Layers l = 1…L in the contract's form. */
  layers: DiagramLayer[];
  /** a⁽⁰⁾…a⁽ᴸ⁾ of the chosen example (L + 1 vectors); without them neurons are drawn unlit. */
  activations?: number[][];
  /** ∂C/∂W⁽ˡ⁾ with the weights' shapes; without it every connection has the same width. */
  weightGradients?: number[][][];
  /** After "Network 2-3-2 · " in the title, e.g. which session at which step. */
  heading?: string;
  /** A line under the title, e.g. which example and its cost. */
  caption?: string;
}

export interface DiagramOptions {
  /** Neurons drawn per layer before eliding (≥ 2); default 12. */
  maxNeuronsPerLayer?: number;
}

export const DEFAULT_MAX_NEURONS = 12;

export const DIAGRAM_STYLE = {
  background: '#0b1021',
  positive: '#3b82f6',
  negative: '#ef4444',
  zero: '#6b7280',
  unlit: '#000000',
  lit: '#ffffff',
  noActivation: '#374151',
  neuronStroke: '#94a3b8',
  text: '#e5e7eb',
  muted: '#9ca3af',
  /** Connection width in px: min + (max − min)·|∂C/∂w| / max |∂C/∂w| over the whole network. */
  minWidth: 0.5,
  maxWidth: 6,
  /** Connection opacity: min + (1 − min)·|w| / max |w| over the whole network. */
  minOpacity: 0.25,
  radius: 15,
} as const;

const GAP = 44;
const COLUMN = 170;
const MARGIN = { left: 90, right: 90, top: 92, bottom: 78 };
/** Wide enough for the legend. */
const MIN_WIDTH = 640;

/** Which neurons of a layer of n are drawn, and how many are elided between the two halves. */
export function shownNeurons(n: number, max: number): { shown: number[]; hidden: number; markerAfter: number } {
  if (n <= max) return { shown: Array.from({ length: n }, (_, i) => i), hidden: 0, markerAfter: -1 };
  const k = Math.floor(max / 2);
  const shown = [...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: k }, (_, i) => n - k + i)];
  return { shown, hidden: n - 2 * k, markerAfter: k - 1 };
}

export function weightColor(w: number): string {
  return w > 0 ? DIAGRAM_STYLE.positive : w < 0 ? DIAGRAM_STYLE.negative : DIAGRAM_STYLE.zero;
}

/** |x| / max, 0 when max is 0. */
const ratio = (x: number, max: number) => (max > 0 ? Math.abs(x) / max : 0);

export function connectionWidth(gradient: number | undefined, maxGradient: number): number {
  if (gradient === undefined) return 1.5;
  return DIAGRAM_STYLE.minWidth + (DIAGRAM_STYLE.maxWidth - DIAGRAM_STYLE.minWidth) * ratio(gradient, maxGradient);
}

export function connectionOpacity(weight: number, maxWeight: number): number {
  return DIAGRAM_STYLE.minOpacity + (1 - DIAGRAM_STYLE.minOpacity) * ratio(weight, maxWeight);
}

/**
 * Brightness t ∈ [0, 1] of each activation of one layer: a itself when every activation of the
 * layer lies in [0, 1] (sigmoid, softmax), else (a − min)/(max − min) over the layer (0.5 when
 * they are all equal).
 */
export function brightness(activations: readonly number[]): number[] {
  const lo = Math.min(...activations);
  const hi = Math.max(...activations);
  if (lo >= 0 && hi <= 1) return activations.map((a) => a);
  if (hi === lo) return activations.map(() => 0.5);
  return activations.map((a) => (a - lo) / (hi - lo));
}

export function neuronFill(t: number): string {
  return mix(DIAGRAM_STYLE.unlit, DIAGRAM_STYLE.lit, t);
}

function maxAbs(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function activationLabel(a: number): string {
  if (Math.abs(a) >= 10) return short(a, 2);
  const s = a.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

export function renderNetworkDiagram(input: DiagramInput, options: DiagramOptions = {}): string {
  const max = Math.max(2, options.maxNeuronsPerLayer ?? DEFAULT_MAX_NEURONS);
  const L = input.layers.length;
  const sizes = [input.layers[0].weights[0].length, ...input.layers.map((l) => l.weights.length)];
  const columns = sizes.map((n) => shownNeurons(n, max));
  const slots = columns.map((c) => c.shown.length + (c.hidden > 0 ? 1 : 0));
  const tallest = Math.max(...slots);
  const width = Math.max(MIN_WIDTH, MARGIN.left + L * COLUMN + MARGIN.right);
  const height = MARGIN.top + tallest * GAP + MARGIN.bottom;
  const left = (width - L * COLUMN) / 2;

  const cx = (l: number) => left + l * COLUMN;
  /** y of the slot s of column l: columns are centred on the tallest. */
  const slotY = (l: number, s: number) => MARGIN.top + ((tallest - slots[l]) / 2 + s + 0.5) * GAP;
  const neuronY = columns.map((c, l) => {
    const y = new Map<number, number>();
    c.shown.forEach((index, i) => y.set(index, slotY(l, i + (c.hidden > 0 && i > c.markerAfter ? 1 : 0))));
    return y;
  });

  const maxWeight = maxAbs(input.layers.flatMap((l) => l.weights.flat()));
  const maxGradient = input.weightGradients ? maxAbs(input.weightGradients.flatMap((g) => g.flat())) : 0;
  const lit = input.activations?.map(brightness);

  const title = `Network ${sizes.join('-')}${input.heading ? ` · ${input.heading}` : ''}`;
  const body: string[] = [
    element('rect', { x: 0, y: 0, width, height, fill: DIAGRAM_STYLE.background }),
    text(width / 2, 24, title, { class: 'title', 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold', fill: DIAGRAM_STYLE.text }),
  ];
  if (input.caption) {
    body.push(text(width / 2, 44, input.caption, { class: 'caption', 'text-anchor': 'middle', 'font-size': 12, fill: DIAGRAM_STYLE.muted }));
  }

  // Connections first, so that neurons are drawn over their ends.
  const r = DIAGRAM_STYLE.radius;
  for (let l = 1; l <= L; l++) {
    const layer = input.layers[l - 1];
    const gradient = input.weightGradients?.[l - 1];
    for (const j of columns[l].shown) {
      for (const k of columns[l - 1].shown) {
        const w = layer.weights[j][k];
        body.push(element('line', {
          class: 'connection', 'data-w': `${l},${j},${k}`,
          x1: cx(l - 1) + r, y1: neuronY[l - 1].get(k)!, x2: cx(l) - r, y2: neuronY[l].get(j)!,
          stroke: weightColor(w),
          'stroke-width': connectionWidth(gradient?.[j][k], maxGradient),
          'stroke-opacity': connectionOpacity(w, maxWeight),
        }));
      }
    }
  }

  for (let l = 0; l <= L; l++) {
    const x = cx(l);
    const heading = l === 0 ? 'input' : l === L ? 'output' : `layer ${l}`;
    body.push(text(x, MARGIN.top - 26, heading, { class: 'layer-label', 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', fill: DIAGRAM_STYLE.text }));
    if (l > 0) {
      body.push(text(x, MARGIN.top - 11, input.layers[l - 1].activation ?? 'sigmoid', {
        class: 'activation-label', 'text-anchor': 'middle', 'font-size': 11, fill: DIAGRAM_STYLE.muted,
      }));
    }
    body.push(text(x, MARGIN.top + tallest * GAP + 18, `n = ${sizes[l]}`, {
      class: 'size-label', 'text-anchor': 'middle', 'font-size': 12, fill: DIAGRAM_STYLE.text,
    }));

    const column = columns[l];
    if (column.hidden > 0) {
      const my = slotY(l, column.markerAfter + 1);
      body.push(element('g', { class: 'elided', 'data-hidden': String(column.hidden) },
        text(x, my + 2, '⋮', { 'text-anchor': 'middle', 'font-size': 18, fill: DIAGRAM_STYLE.text })
        + text(x + r + 6, my + 4, `${column.hidden} more`, { 'font-size': 11, fill: DIAGRAM_STYLE.muted })));
    }
    for (const index of column.shown) {
      const y = neuronY[l].get(index)!;
      const a = input.activations?.[l][index];
      const t = lit?.[l][index];
      body.push(element('circle', {
        class: 'neuron', 'data-neuron': `${l},${index}`, cx: x, cy: y, r,
        fill: t === undefined ? DIAGRAM_STYLE.noActivation : neuronFill(t), stroke: DIAGRAM_STYLE.neuronStroke, 'stroke-width': 1.5,
      }));
      if (a !== undefined && t !== undefined) {
        body.push(text(x, y + 3.5, activationLabel(a), {
          class: 'activation', 'text-anchor': 'middle', 'font-size': 9, fill: t > 0.55 ? '#000000' : '#ffffff',
        }));
      }
      if (l > 0) {
        const b = input.layers[l - 1].biases[index];
        body.push(text(x + r + 4, y - r + 2, `b ${short(b, 3)}`, {
          class: 'bias', 'data-bias': `${l},${index}`, 'font-size': 10, fill: weightColor(b),
        }));
      }
    }
  }

  const legendY = height - 22;
  body.push(text(16, legendY, 'connections:', { class: 'legend', 'font-size': 11, fill: DIAGRAM_STYLE.muted }));
  body.push(text(90, legendY, 'w > 0', { class: 'legend', 'font-size': 11, fill: DIAGRAM_STYLE.positive }));
  body.push(text(128, legendY, 'w < 0', { class: 'legend', 'font-size': 11, fill: DIAGRAM_STYLE.negative }));
  body.push(text(166, legendY,
    `· width ∝ |∂C/∂w|${input.weightGradients ? ` (max ${short(maxGradient, 3)})` : ' (not given)'} · opacity ∝ |w| · brightness = activation`,
    { class: 'legend', 'font-size': 11, fill: DIAGRAM_STYLE.muted }));
  return svgDocument(width, height, input.caption ? `${title}: ${input.caption}` : title, body);
}
