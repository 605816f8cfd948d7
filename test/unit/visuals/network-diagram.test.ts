// The pure renderer on its own: what it draws without activations or gradients, its shading
// rule, and its byte-for-byte determinism.
import { describe, expect, it } from 'vitest';
import { brightness, renderNetworkDiagram, shownNeurons } from '../../../src/visuals/network-diagram.js';
import { escapeXml, px } from '../../../src/visuals/svg.js';
import { findAll, num, parseSvg } from '../../helpers/svg.js';

const layers = [
  { weights: [[1, -2], [0, 3]], biases: [0.5, -0.25] },
  { weights: [[-4, 2]], biases: [0], activation: 'linear' },
];

describe('renderNetworkDiagram', () => {
  it('without activations or gradients: unlit neurons, equal widths, opacity by |w|', () => {
    const root = parseSvg(renderNetworkDiagram({ layers }));
    const circles = findAll(root, 'circle', 'neuron');
    expect(circles).toHaveLength(5);
    expect(new Set(circles.map((c) => c.attrs.fill))).toEqual(new Set(['#374151']));
    expect(findAll(root, 'text', 'activation')).toHaveLength(0);
    const lines = findAll(root, 'line', 'connection');
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((l) => l.attrs['stroke-width']))).toEqual(new Set(['1.5']));
    const byId = new Map(lines.map((l) => [l.attrs['data-w'], l] as const));
    expect(num(byId.get('2,0,0')!, 'stroke-opacity')).toBe(1); // |−4| is the largest
    expect(num(byId.get('1,0,0')!, 'stroke-opacity')).toBeCloseTo(0.25 + 0.75 / 4, 2);
    expect(byId.get('1,1,0')!.attrs.stroke).toBe('#6b7280'); // w = 0: grey
    expect(findAll(root, 'text', 'activation-label').map((t) => t.text)).toEqual(['sigmoid', 'linear']);
  });

  it('shades on [0, 1] when a layer lies there, else on the layer\'s own range', () => {
    expect(brightness([0, 0.25, 1])).toEqual([0, 0.25, 1]);
    expect(brightness([-1, 0, 3])).toEqual([0, 0.25, 1]);
    expect(brightness([7, 7])).toEqual([0.5, 0.5]);
  });

  it('elides symmetric halves around a marker', () => {
    expect(shownNeurons(5, 12)).toEqual({ shown: [0, 1, 2, 3, 4], hidden: 0, markerAfter: -1 });
    expect(shownNeurons(10, 4)).toEqual({ shown: [0, 1, 8, 9], hidden: 6, markerAfter: 1 });
    expect(shownNeurons(10, 5)).toEqual({ shown: [0, 1, 8, 9], hidden: 6, markerAfter: 1 });
  });

  it('is byte-identical for equal input and escapes its caption', () => {
    const input = { layers, activations: [[1, 2], [0.2, 0.8], [-3]], weightGradients: [[[0.1, -0.2], [0, 0.3]], [[0.05, 0]]], caption: 'a < b & "c"' };
    const svg = renderNetworkDiagram(input);
    expect(renderNetworkDiagram(structuredClone(input))).toBe(svg);
    expect(svg).toContain(escapeXml(input.caption));
    expect(findAll(parseSvg(svg), 'text', 'caption')[0].text).toBe(input.caption);
  });

  it('formats coordinates with at most two decimals and no negative zero', () => {
    expect([16, 0.65, 1.5, -0.001, 100, 100.5, -3.14159].map(px)).toEqual(['16', '0.65', '1.5', '0', '100', '100.5', '-3.14']);
  });
});
