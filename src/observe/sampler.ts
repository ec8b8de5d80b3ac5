/**
 * The sampler: a process on the kernel that reads the ledger and the systems' gauges every
 * `everyMs` and builds the result's time series. Samples are taken at 0, every, 2·every, …
 * up to the end of the run; rates and latency percentiles cover the interval before a sample.
 */
import type { Kernel } from '../sim/kernel.js';
import type { Ledger } from './ledger.js';
import type { Series } from './result.js';

export interface GaugeReading {
  metric: string;
  subject: string;
  read(): number;
}

type Column = (number | null)[];

export class Sampler {
  private readonly tMs: number[] = [];
  private readonly columns = new Map<string, Map<string, Column>>();

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Ledger,
    private readonly everyMs: number,
    private readonly endMs: number,
    private readonly producers: string[],
    private readonly gauges: GaugeReading[],
  ) {}

  start(): void {
    this.kernel.at(0, takeSample, this);
  }

  sample(): void {
    const now = this.kernel.now;
    const perSec = 1000 / this.everyMs;
    const first = this.tMs.length === 0;
    this.tMs.push(now);
    this.producers.forEach((name, p) => {
      this.put('producedPerSec', name, first ? 0 : this.ledger.producedInInterval[p] * perSec);
      this.ledger.producedInInterval[p] = 0;
    });
    this.ledger.groups.forEach((group, g) => {
      this.put('lag', group.name, group.lag);
      this.put('oldestAgeMs', group.name, this.ledger.oldestAgeMs(g));
      this.put('processedPerSec', group.name, first ? 0 : group.processedInInterval * perSec);
      group.processedInInterval = 0;
      const latency = group.intervalLatency;
      this.put('latencyP50Ms', group.name, latency.percentile(50));
      this.put('latencyP99Ms', group.name, latency.percentile(99));
      this.put('latencyMaxMs', group.name, latency.count === 0 ? null : latency.maxMs);
      latency.reset();
    });
    for (const gauge of this.gauges) this.put(gauge.metric, gauge.subject, gauge.read());
    const next = now + this.everyMs;
    if (next <= this.endMs) this.kernel.at(next, takeSample, this);
  }

  series(): Series {
    const series: Series = { tMs: this.tMs };
    for (const [metric, subjects] of this.columns) series[metric] = Object.fromEntries(subjects);
    return series;
  }

  private put(metric: string, subject: string, value: number | null): void {
    let subjects = this.columns.get(metric);
    if (subjects === undefined) this.columns.set(metric, (subjects = new Map()));
    let column = subjects.get(subject);
    if (column === undefined) subjects.set(subject, (column = []));
    column.push(value);
  }
}

function takeSample(sampler: Sampler): void {
  sampler.sample();
}

/** A sample interval that gives a run of `spanMs` between about 200 and 2000 points. */
export function defaultSampleEvery(spanMs: number): number {
  const steps = [
    10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
    600_000, 900_000, 1_800_000, 3_600_000,
  ];
  for (const step of steps) if (spanMs / step <= 2000) return step;
  return Math.ceil(spanMs / 2000);
}
