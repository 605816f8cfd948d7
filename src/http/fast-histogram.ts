// Histograms observed on every request, exposed through prom-client's registry in its own format.
// prom-client's observe hashes the label object into a string, validates every label name, makes
// two objects and a closure, and finds the bucket by a number-keyed property: ~4 % of a tiny
// request's CPU with two histograms and a counter. Here a series is found once per label values
// (nested Maps, no string built) and observing it is a few additions into a Float64Array.
import type { Registry } from 'prom-client';

export class Series {
  /** counts[i]: observations in (bound[i-1], bound[i]]; the last, above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly labels: Readonly<Record<string, string>>, private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

interface Sample { labels: Record<string, string | number>; sharedLabels?: Record<string, string>; value: number; metricName?: string; exemplar?: null }
interface Exported { name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' }

/** The metric shape prom-client's registry reads (metrics, getMetricsAsJSON, resetMetrics). */
abstract class RegisteredMetric {
  readonly aggregator = 'sum';
  abstract readonly type: string;

  constructor(readonly name: string, readonly help: string, registers: Registry[]) {
    for (const registry of registers) registry.registerMetric(this as never);
  }

  protected exported(values: Sample[]): Exported {
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class FastHistogram extends RegisteredMetric {
  readonly type = 'histogram';
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  private readonly root = new Map<string, unknown>();
  private readonly all: Series[] = [];

  constructor(options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registers: Registry[] }) {
    super(options.name, options.help, options.registers);
    this.labelNames = options.labelNames;
    this.buckets = [...options.buckets].sort((a, b) => a - b);
  }

  /** The series of these label values, in labelNames' order: made on first use, then found. */
  series(...values: string[]): Series {
    let node = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (!next) node.set(values[i]!, next = new Map());
      node = next;
    }
    let found = node.get(values[last]!) as Series | undefined;
    if (!found) {
      found = new Series(Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]!])), this.buckets);
      node.set(values[last]!, found);
      this.all.push(found);
    }
    return found;
  }

  /** Every series made, in the order they were first observed. */
  seriesMade(): readonly Series[] {
    return this.all;
  }

  reset(): void {
    this.root.clear();
    this.all.length = 0;
  }

  /** For the text format: the series' labels as shared labels, after le (as prom-client does). */
  getForPromString(): Exported {
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    for (const s of this.all) {
      const sharedLabels = s.labels;
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels, value: s.count, metricName: bucket, exemplar: null },
        { labels: {}, sharedLabels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return this.exported(values);
  }

  /** For JSON: each sample's labels in one object, as prom-client's get() gives them. */
  get(): Exported {
    const exported = this.getForPromString();
    exported.values = exported.values.map(({ sharedLabels, ...sample }) => ({ ...sample, labels: { ...sample.labels, ...sharedLabels } }));
    return exported;
  }
}

/** A counter that reads a histogram's observation counts (requests answered, from their durations). */
export class HistogramCount extends RegisteredMetric {
  readonly type = 'counter';
  private readonly of: FastHistogram;

  constructor(options: { name: string; help: string; of: FastHistogram; registers: Registry[] }) {
    super(options.name, options.help, options.registers);
    this.of = options.of;
  }

  reset(): void { /* the histogram's reset resets this too */ }

  get(): Exported {
    return this.exported(this.of.seriesMade().map((s) => ({ value: s.count, labels: { ...s.labels } })));
  }
}
