/**
 * A small Prometheus registry (counters, gauges, histograms with labels) rendering the text
 * exposition format. Written here rather than taken from prom-client because it must run on
 * every runtime the app runs on (Workers included) with no Node APIs.
 */
type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

abstract class Metric {
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  abstract render(): string;
}

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

export function fmtLabels(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function fmtNum(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

class ValueMetric extends Metric {
  readonly type: 'counter' | 'gauge';
  #series = new Map<string, Series>();
  constructor(type: 'counter' | 'gauge', name: string, help: string) {
    super(name, help);
    this.type = type;
  }
  #get(labels: Labels): Series {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, (s = { labels, value: 0 }));
    return s;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.#get(labels).value += by;
  }
  set(labels: Labels, value: number): void {
    this.#get(labels).value = value;
  }
  value(labels: Labels = {}): number {
    return this.#series.get(key(labels))?.value ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n`;
    for (const s of this.#series.values()) out += `${this.name}${fmtLabels(s.labels)} ${fmtNum(s.value)}\n`;
    return out;
  }
}

export type Counter = ValueMetric;
export type Gauge = ValueMetric;

export class Histogram extends Metric {
  readonly bounds: number[];
  #series = new Map<string, HistogramSeries>();
  constructor(name: string, help: string, bounds: number[]) {
    super(name, help);
    this.bounds = bounds;
  }
  observe(labels: Labels, v: number): void {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, (s = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]) s.buckets[i]++;
    s.sum += v;
    s.count++;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.#series.values()) {
      this.bounds.forEach((b, i) => (out += `${this.name}_bucket${fmtLabels(s.labels, ['le', fmtNum(b)])} ${s.buckets[i]}\n`));
      out += `${this.name}_bucket${fmtLabels(s.labels, ['le', '+Inf'])} ${s.count}\n`;
      out += `${this.name}_sum${fmtLabels(s.labels)} ${fmtNum(s.sum)}\n`;
      out += `${this.name}_count${fmtLabels(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

export class Registry {
  #metrics: Metric[] = [];
  counter(name: string, help: string): Counter {
    return this.#add(new ValueMetric('counter', name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.#add(new ValueMetric('gauge', name, help));
  }
  histogram(name: string, help: string, bounds: number[]): Histogram {
    return this.#add(new Histogram(name, help, bounds));
  }
  render(): string {
    return this.#metrics.map((m) => m.render()).join('');
  }
  #add<M extends Metric>(m: M): M {
    this.#metrics.push(m);
    return m;
  }
}
