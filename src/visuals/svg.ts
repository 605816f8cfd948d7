// Small, pure helpers for writing SVG by hand: escaping and fixed number formatting, so that
// the same input always gives the same bytes (no locale, no floating noise in coordinates).

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text and attribute values, escaped for XML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A coordinate or length: at most two decimals, trailing zeros dropped ("16", "0.65"), no "-0". */
export function px(value: number): string {
  const s = value.toFixed(2).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
  return s === '-0' ? '0' : s;
}

/** A number as a reader wants it on a label: `digits` significant digits, shortest form ("0.125", "1e-7"). */
export function short(value: number, digits = 3): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : String(value);
  return String(Number(value.toPrecision(digits)));
}

export type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? px(v) : v!)}"`)
    .join('');
}

/** <name attrs/> or <name attrs>children</name>; numbers become px(), strings are escaped. */
export function element(name: string, attrs: Attributes, children?: string): string {
  return children === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${children}</${name}>`;
}

/** <text> with escaped content. */
export function text(x: number, y: number, content: string, attrs: Attributes = {}): string {
  return element('text', { x, y, ...attrs }, escapeXml(content));
}

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}"`
    + ' font-family="Helvetica, Arial, sans-serif" role="img">\n'
    + `<title>${escapeXml(title)}</title>\n`
    + body.join('\n')
    + '\n</svg>\n';
}

/** Hex colour of a mix of two #rrggbb colours, t = 0 → from, t = 1 → to. */
export function mix(from: string, to: string, t: number): string {
  const a = parseInt(from.slice(1), 16);
  const b = parseInt(to.slice(1), 16);
  const channel = (shift: number) => {
    const ca = (a >> shift) & 255;
    const cb = (b >> shift) & 255;
    return Math.round(ca + (cb - ca) * t);
  };
  return `#${[16, 8, 0].map((s) => channel(s).toString(16).padStart(2, '0')).join('')}`;
}
