/**
 * sweep: the SLO verdict and the recommendation on hand-checkable grids, common random numbers
 * across points, shards that merge into the unsharded result, and resuming a killed sweep.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, canonicalOrder, mergeSweeps, parseShard, sweep, type SweepOptions } from '../../src/experiments/sweep.js';
import { parseParam, parseSet, type BaseDocument } from '../../src/experiments/variants.js';
import { main, type Io } from '../../src/cli.js';
import { renderSweepTable, sweepCharts } from '../../src/report/sweep.js';

// Orders every 10 ms, each taking exactly 25 ms: one handler serves 40/s, so the 100/s stream
// needs three handlers (instances × concurrency ≥ 3) to keep the lag below 5; with two or
// fewer it grows without bound (by 20/s or more, to hundreds over 30 s).
const SOURCE = `
name: grid
seed: 1
duration: 30s
system: { type: workqueue }
producers:
  - { name: p, rate: 100/s, arrivals: uniform }
consumers:
  - { group: g, instances: 1, service: const(25ms) }
expect:
  maxLag: "< 5"
`;
const base: BaseDocument = { source: SOURCE, file: 'grid.yaml', options: {} };

function options(over: Partial<SweepOptions>): SweepOptions {
  return { params: [], sets: [], seeds: 2, quantile: 1, jobs: 1, ...over };
}

function capture(): Io & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { out: (t) => (text.out += t), err: (t) => (text.err += t), errIsTty: false, outIsTty: false, text };
}

describe('sweep verdicts and recommendation', () => {
  it('recommends the fewest handlers that meet the SLO (no headroom asked)', async () => {
    const r = await sweep(base, options({ params: [parseParam('consumers[0].instances=1..5')], headroom: 0 }));
    expect(r.points.map((p) => p.pass)).toEqual([false, false, true, true, true]);
    expect(r.recommendation).toEqual({ index: 2, label: 'instances=3', by: 'handlers', runnerUp: { index: 3, label: 'instances=4' } });
    expect(renderSweepTable(r, { color: false })).toMatch(
      /recommendation: instances=3 \(3 handlers, margin -?\d+%, utilisation \d+%\): the fewest handlers .*; runner-up instances=4 \(4 handlers/,
    );
  });

  it('sizes an autoscaled group by the fleet it may grow to, not by how many it starts with', async () => {
    // One instance to start, scaled on backlog per instance up to max; three are needed.
    const autoscaled: BaseDocument = {
      ...base,
      source: SOURCE.replace('instances: 1, service: const(25ms) }',
        'instances: 1, service: const(25ms), autoscale: { metric: backlogPerInstance, target: 2, min: 1, max: 1 } }'),
    };
    const r = await sweep(autoscaled, options({ params: [parseParam('consumers[0].autoscale.max=2,4,8')], headroom: 0 }));
    expect(r.points.map((p) => [p.instances, p.handlers])).toEqual([[2, 2], [4, 4], [8, 8]]);
    expect(renderSweepTable(r, { color: false })).toMatch(/│ 4 +│ 4 +│/);
  });

  it('ranks by total handlers: 3 instances × 1 beat 2 × 2, and draws heatmaps', async () => {
    const r = await sweep(base, options({
      params: [parseParam('consumers[0].instances=1..4'), parseParam('consumers[0].concurrency=1,2')],
      headroom: 0,
    }));
    // Passing needs instances × concurrency ≥ 3: (2, 2) has 4 handlers, (3, 1) only 3.
    expect(r.points.map((p) => `${p.values.join('x')}:${p.pass ? 'P' : 'F'}`)).toEqual([
      '1x1:F', '1x2:F', '2x1:F', '2x2:P', '3x1:P', '3x2:P', '4x1:P', '4x2:P',
    ]);
    expect(r.points.map((p) => p.handlers)).toEqual([1, 2, 2, 4, 3, 6, 4, 8]);
    expect(r.recommendation?.label).toBe('instances=3 concurrency=1');
    // Ties (4 handlers: 2 × 2 and 4 × 1) go to the earlier point of the grid.
    expect(r.recommendation?.runnerUp?.label).toBe('instances=2 concurrency=2');
    const names = sweepCharts(r).map((s) => s.name);
    expect(names).toContain('sweep-g.maxLag');
    expect(names).toContain('heatmap-pass');
    expect(names).toContain('heatmap-heat-g.maxLag');
  });

  it('puts a chart flat at zero over the grid after those that vary', async () => {
    const slo = parseSet('expect={ "g.backlogAtEnd": 0, maxLag: "< 5" }');
    const r = await sweep(base, options({ params: [parseParam('consumers[0].instances=3..4')], sets: [slo, parseSet('drain=1s')], seeds: 1 }));
    expect(r.points.map((p) => p.figures['g.backlogAtEnd'].mean)).toEqual([0, 0]);
    expect(r.slo.map((s) => s.figure)).toEqual(['g.backlogAtEnd', 'g.maxLag']);
    expect(sweepCharts(r).map((s) => s.name)).toEqual(['sweep-g.maxLag', 'sweep-g.backlogAtEnd']);
  });

  it('cuts the capacity chart\'s axis at 3× the SLO when an unstable point is far past it', async () => {
    // One instance of 25 ms against 100/s is 2.5× overloaded: its lag reaches thousands.
    const r = await sweep(base, options({ params: [parseParam('consumers[0].instances=1..4')], seeds: 1 }));
    const chart = sweepCharts(r).find((c) => c.name === 'sweep-g.maxLag');
    expect(r.points[0].figures['g.maxLag'].mean).toBeGreaterThan(1000);
    // maxLag < 5: the axis stops at 15, in steps of 5.
    expect(chart?.yTicks?.map((t) => t.value)).toEqual([0, 5, 10, 15]);
    expect(chart?.title).toContain('axis cut at 3× the SLO');
    // The x axis still spans the whole grid: the point above the cut stays on it, at 1.
    const x = (chart?.config.options as { scales: { x: { min: number; max: number } } }).scales.x;
    expect([x.min, x.max]).toEqual([1, 4]);
    const legend = chart?.config.data.datasets.filter((d) => !(d as { legendHidden?: boolean }).legendHidden).map((d) => d.label);
    expect(legend?.[0]).toBe('g.maxLag: 95% band');
  });

  it('with --quantile, a point passes when enough seeds meet the SLO', async () => {
    // Poisson traffic: the produced count differs per seed. An SLO between the 2nd and 3rd of
    // four counts holds on exactly two seeds: the point passes at q = 0.5, not at q = 1.
    const poisson = { ...base, source: SOURCE.replace('arrivals: uniform', 'arrivals: poisson') };
    const probe = await sweep(poisson, options({ params: [parseParam('consumers[0].instances=3')], seeds: 4 }));
    const counts = [...(probe.points[0].perSeed.produced as number[])].sort((a, b) => a - b);
    const slo = parseSet(`expect.produced=< ${(counts[1] + counts[2]) / 2}`);
    const at = async (quantile: number) =>
      (await sweep(poisson, options({ params: [parseParam('consumers[0].instances=3')], seeds: 4, quantile, sets: [slo, parseSet('expect.maxLag=< 1000000')] }))).points[0];
    const half = await at(0.5);
    expect(half.seedsPassing).toBe(2);
    expect(half.pass).toBe(true);
    expect((await at(1)).pass).toBe(false);
    expect((await at(0.75)).pass).toBe(false);
  });

  it('recommends nothing when no point passes', async () => {
    const r = await sweep(base, options({ params: [parseParam('consumers[0].instances=1,2')] }));
    expect(r.recommendation).toBeNull();
  });

  it('keeps the traffic identical across points (common random numbers)', async () => {
    const poisson = { ...base, source: SOURCE.replace('arrivals: uniform', 'arrivals: poisson') };
    const r = await sweep(poisson, options({ params: [parseParam('consumers[0].instances=2..4')], seeds: 3 }));
    const produced = r.points.map((p) => JSON.stringify(p.perSeed.produced));
    expect(new Set(produced).size).toBe(1);
    expect(new Set(r.points[0].perSeed.produced).size).toBe(3);
  });

  it('with 20% headroom, recommends the smallest c whose P(wait) stays 20% under the SLO (Erlang C by hand)', async () => {
    // λ = 200/s, exp(10ms): a = 2 Erlangs. By hand, C(c, a) = (aᶜ/c! · c/(c−a)) / (Σₖ₌₀ᶜ⁻¹ aᵏ/k! + aᶜ/c! · c/(c−a)):
    // c = 3: (8/6 · 3) / (5 + 4) = 4/9 = 0.444;  c = 4: (16/24 · 2) / (19/3 + 4/3) = 4/23 = 0.174.
    // SLO waitedRatio < 50%: c = 3 passes with a margin of (0.5 − 0.444)/0.5 = 11%; 20% headroom
    // needs P(wait) ≤ 0.4, which c = 4 is the smallest to give.
    const source = `
name: mmc
seed: 7
duration: 10m
system: { type: workqueue }
producers: [{ name: p, rate: 200/s, arrivals: poisson }]
consumers: [{ group: g, instances: 1, service: "exp(10ms)" }]
report: { sampleEvery: 1m }
expect: { g.waitedRatio: "< 50%" }
`;
    const mmc: BaseDocument = { source, file: 'mmc.yaml', options: {} };
    const r = await sweep(mmc, options({ params: [parseParam('consumers[0].instances=3..6')] }));
    expect(r.headroom).toBe(0.2);
    expect(r.points[0].theory?.waitedRatio).toBeCloseTo(4 / 9, 6);
    expect(r.points[1].theory?.waitedRatio).toBeCloseTo(4 / 23, 6);
    expect(r.points.map((p) => p.pass)).toEqual([true, true, true, true]);
    expect(r.points[0].margin).toBeGreaterThan(0.05);
    expect(r.points[0].margin).toBeLessThan(0.2);
    expect(r.points[1].margin).toBeGreaterThan(0.6);
    expect(r.recommendation).toMatchObject({ label: 'instances=4', runnerUp: { label: 'instances=5' } });
    // Utilisation is a/c = 50% at c = 4.
    expect(r.points[1].utilisation).toBeCloseTo(0.5, 1);
    // Without headroom, the point that barely passes.
    expect(assemble({ ...r, headroom: 0 }).recommendation?.label).toBe('instances=3');
    // The capacity chart draws the SLO, the recommended point and Erlang C.
    const chart = sweepCharts(r).find((c) => c.name === 'sweep-g.waitedRatio');
    const labels = chart?.config.data.datasets.map((d) => d.label);
    expect(labels).toContain('recommended: instances=4');
    expect(labels).toContain('Erlang C (M/M/c)');
    expect(chart?.yTicks?.map((t) => t.label)).toContain('50%');
  });

  it('draws Erlang C where the scenario is M/M/c-shaped', async () => {
    const mmc = { ...base, source: SOURCE.replace('arrivals: uniform', 'arrivals: poisson').replace('const(25ms)', 'exp(25ms)') };
    const r = await sweep(mmc, options({ params: [parseParam('consumers[0].instances=3..4')], seeds: 1 }));
    // a = 100/s × 25 ms = 2.5; c = 3: C(3, 2.5) = 0.7022, Wq = C / (3/25 − 0.1) = 35.11 ms.
    expect(r.points[0].theory?.meanQueueWaitMs).toBeCloseTo(35.11, 1);
    expect(sweepCharts(r).map((s) => s.name)).toContain('sweep-g.meanQueueWaitMs');
  });
});

describe('shards, merge and resume', () => {
  const grid = { params: [parseParam('consumers[0].instances=1..5')] };

  it('merged shards equal one unsharded run', async () => {
    const whole = await sweep(base, options(grid));
    const shards = await Promise.all([1, 2, 3].map((i) => sweep(base, options({ ...grid, shard: { index: i, count: 3 } }))));
    expect(shards.map((s) => s.points.map((p) => p.index))).toEqual([[0, 3], [1, 4], [2]]);
    expect(shards[0].recommendation).toBeNull();
    const merged = mergeSweeps([shards[2], shards[0], shards[1]]);
    expect(JSON.stringify(merged)).toBe(JSON.stringify(whole));
    expect(() => mergeSweeps([shards[0], shards[1]])).toThrow(/1 of 5 points are missing/);
  });

  it('a resumed sweep skips finished replications and ends with the same result', async () => {
    const whole = await sweep(base, options(grid));
    const out = mkdtempSync(join(tmpdir(), 'queuesim-sweep-'));
    let finished = 0;
    await expect(
      sweep(base, options({ ...grid, outDir: out, onDone: (done) => {
        finished = done;
        if (done === 4) throw new Error('killed');
      } })),
    ).rejects.toThrow('killed');
    expect(finished).toBe(4);
    // The journal holds the header and the four finished replications.
    expect(readFileSync(join(out, 'points.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    const progress: number[] = [];
    const resumed = await sweep(base, options({ ...grid, outDir: out, resume: true, onDone: (done) => progress.push(done) }));
    expect(progress[0]).toBe(4); // four were already done
    expect(progress).toHaveLength(1 + 10 - 4);
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(whole));
  });

  it('refuses to resume from another sweep', async () => {
    const out = mkdtempSync(join(tmpdir(), 'queuesim-sweep-'));
    await sweep(base, options({ ...grid, outDir: out }));
    await expect(sweep(base, options({ ...grid, seeds: 3, outDir: out, resume: true }))).rejects.toThrow(/different sweep/);
  });

  it('orders figure names canonically and parses shards', () => {
    expect(canonicalOrder(['g.maxLag', 'g.losses.x', 'rejected', 'g.losses', 'produced', 'a.losses'])).toEqual([
      'produced', 'rejected', 'a.losses', 'g.losses', 'g.losses.x', 'g.maxLag',
    ]);
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('5/4')).toThrow(/1 ≤ i ≤ n/);
  });
});

describe('sweep on the command line', () => {
  it('exits 2 for a bad --param path, naming the valid fields', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'sweep', 'flash-sale', '--param', 'consumer[0].instances=1..4', '--jobs', '1'], io);
    expect(code).toBe(2);
    expect(io.text.err).toContain('no field "consumer" at the top level; did you mean "consumers"?');
  });

  it('exits 2 for a bad range and a bad value', async () => {
    let io = capture();
    expect(await main(['node', 'queuesim', 'sweep', 'flash-sale', '--param', 'consumers[0].instances=4..1', '--jobs', '1'], io)).toBe(2);
    expect(io.text.err).toContain('a range goes up');
    io = capture();
    expect(await main(['node', 'queuesim', 'sweep', 'flash-sale', '--param', 'consumers[0].instances=0,1', '--jobs', '1'], io)).toBe(2);
    expect(io.text.err).toMatch(/flash-sale\.yaml \[instances=0\]:\d+:\d+: consumers\[0\]\.instances/);
  });
});
