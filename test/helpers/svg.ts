// Reading the service's SVG documents in tests: well-formedness, then elements by name/class.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export type SvgNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, parseAttributeValue: false, parseTagValue: false, trimValues: false,
});

export interface SvgElement { name: string; attrs: Record<string, string>; text: string; children: SvgElement[] }

function convert(nodes: SvgNode[]): SvgElement[] {
  const out: SvgElement[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '?xml') continue;
    const children = convert(node[name] as SvgNode[]);
    const text = (node[name] as SvgNode[]).map((c) => ('#text' in c ? String(c['#text']) : '')).join('');
    out.push({ name, attrs: (node[':@'] as Record<string, string>) ?? {}, text, children });
  }
  return out;
}

/** Parses an SVG document, failing the test unless it is well-formed XML with an <svg> root. */
export function parseSvg(svg: string): SvgElement {
  expect(XMLValidator.validate(svg)).toBe(true);
  const roots = convert(parser.parse(svg) as SvgNode[]);
  expect(roots).toHaveLength(1);
  expect(roots[0].name).toBe('svg');
  expect(roots[0].attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  return roots[0];
}

/** Every element below root (depth first) with this name and, if given, this class. */
export function findAll(root: SvgElement, name: string, className?: string): SvgElement[] {
  const found: SvgElement[] = [];
  const visit = (e: SvgElement) => {
    if (e.name === name && (className === undefined || e.attrs.class === className)) found.push(e);
    e.children.forEach(visit);
  };
  root.children.forEach(visit);
  return found;
}

export function num(e: SvgElement, attr: string): number {
  const value = Number(e.attrs[attr]);
  expect(Number.isFinite(value), `${e.name}@${attr} = ${e.attrs[attr]}`).toBe(true);
  return value;
}

/** #rrggbb → [r, g, b]. */
export function rgb(hex: string): [number, number, number] {
  expect(hex).toMatch(/^#[0-9a-f]{6}$/);
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
