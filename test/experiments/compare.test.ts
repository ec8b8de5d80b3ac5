/**
 * compare: variants × seeds with common random numbers, the table's statistics, the built-in
 * comparison scenarios, and the CLI's answers to bad --vary / --set input (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { compare, mergeOrdered } from '../../src/experiments/compare.js';
import { parseSet, parseVary, type BaseDocument } from '../../src/experiments/variants.js';
import { estimate } from '../../src/experiments/stats.js';
import { main, type Io } from '../../src/cli.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { resolveScenarioFile } from '../../src/scenarios/built-in.js';
import { renderCompareTable } from '../../src/report/compare.js';

const SOURCE = `
name: small
seed: 4
duration: 30s
system: { type: workqueue }
producers:
  - { name: p, rate: 40/s }
consumers:
  - { group: g, instances: 2, service: exp(20ms) }
faults:
  - { kind: crash, group: g, instance: all, at: 10s, point: mid-process, restartAfter: 2s }
expect:
  losses: 0
variants:
  - { name: two, set: { "consumers[0].instances": 2 } }
  - { name: three, set: { "consumers[0].instances": 3 } }
`;
const base: BaseDocument = { source: SOURCE, file: 'small.yaml', options: {} };

function capture(): Io & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { out: (t) => (text.out += t), err: (t) => (text.err += t), errIsTty: false, outIsTty: false, text };
}

describe('compare', () => {
  it('runs each variant on the same seeds, with the same traffic per seed', async () => {
    const r = await compare(base, {
      seeds: 3,
      vary: [parseVary('consumers[0].delivery=at-most-once,at-least-once')],
      sets: [],
      jobs: 1,
    });
    expect(r.seeds).toEqual([4, 5, 6]);
    expect(r.variants.map((v) => v.label)).toEqual(['delivery=at-most-once', 'delivery=at-least-once']);
    const [amo, alo] = r.variants;
    // Common random numbers: per seed, both variants saw exactly the same messages.
    expect(amo.perSeed.produced).toEqual(alo.perSeed.produced);
    expect(new Set(amo.perSeed.produced).size).toBe(3);
    // The crash mid-process loses acked messages only under at-most-once.
    expect(amo.figures['g.losses'].mean).toBeGreaterThan(0);
    expect(alo.figures['g.losses'].mean).toBe(0);
    expect(alo.figures['g.redeliveries'].mean).toBeGreaterThan(0);
    // The figure is the Student-t estimate of the per-seed values.
    expect(amo.figures['g.p99LatencyMs']).toEqual(estimate(amo.perSeed['g.p99LatencyMs']));
    expect(amo.seedsPassing).toBe(0);
    expect(alo.seedsPassing).toBe(3);
    expect(r.figureNames.indexOf('g.losses.crash-after-ack')).toBe(r.figureNames.indexOf('g.losses') + 1);
  });

  it('takes the variants: block without --vary, and --set applies to all', async () => {
    const r = await compare(base, { seeds: 1, vary: [], sets: [parseSet('duration=15s')], jobs: 1 });
    expect(r.variants.map((v) => v.label)).toEqual(['two', 'three']);
    expect(r.variants[1].settings).toEqual({ duration: '15s', 'consumers[0].instances': 3 });
    expect(r.variants[0].series.tMs.at(-1)).toBe(15_000);
  });

  it('compares a direct call with a queue on the same traffic', async () => {
    const r = await compare(base, {
      seeds: 2,
      vary: [parseVary('system.type=direct,workqueue')],
      sets: [parseSet('faults=[]')],
      jobs: 1,
    });
    expect(r.variants.map((v) => v.systemType)).toEqual(['direct', 'workqueue']);
    expect(r.variants[0].perSeed.produced).toEqual(r.variants[1].perSeed.produced);
    expect(r.variants[0].series.metrics.waiting).toBeDefined();
    const table = renderCompareTable(r, { color: false });
    expect(table).toContain('type=direct');
    expect(table).toContain('expectations met (seeds)');
  });

  it('merges figure lists keeping each name after its predecessor', () => {
    expect(mergeOrdered([['a', 'b', 'd'], ['a', 'b', 'c', 'd'], ['a', 'e']])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('compare on the command line', () => {
  it('exits 2 for a bad --vary path, naming the valid fields', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'compare', 'compare-guarantees', '--vary',
      'consumers[0].delivry=at-most-once', '--jobs', '1'], io);
    expect(code).toBe(2);
    expect(io.text.err).toContain('consumers[0].delivry: no field "delivry" in consumers[0]; did you mean "delivery"?');
    expect(io.text.err).toContain('(fields: group, instances, concurrency, service, delivery');
  });

  it('exits 2 for a bad --set value, with the file, variant and position', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'compare', 'compare-guarantees', '--set',
      'consumers[0].instances=many', '--jobs', '1'], io);
    expect(code).toBe(2);
    expect(io.text.err).toMatch(/compare-guarantees\.yaml:\d+:\d+: consumers\[0\]\.instances: expected number/);
  });

  it('exits 2 for a system change that would drop a setting, naming it, before anything runs', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'compare', 'broker-overflow', '--vary', 'system.type=broker,log', '--jobs', '1', '--out', '/nonexistent/x'], io);
    expect(code).toBe(2);
    expect(io.text.err).toMatch(/broker-overflow\.yaml \[type=log\]: system\.type=log: system\.exchanges \(broker\) cannot carry over to log: a log has no setting of that meaning/);
  });

  it('still compares should-i-add-a-queue\'s direct call with a work queue, saying what the queue variant drops', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'compare', 'should-i-add-a-queue', '--seeds', '1', '--set', 'duration=9m',
      '--json', '--jobs', '1'], io);
    expect(code).toBe(0);
    expect(JSON.parse(io.text.out).variants.map((v: { systemType: string }) => v.systemType)).toEqual(['direct', 'workqueue']);
    expect(io.text.err).toContain('queue: system.type=workqueue: system.timeout, system.maxQueue, system.retries, system.backoff dropped');
  });

  it('exits 2 for a malformed --vary and for nothing to compare', async () => {
    let io = capture();
    expect(await main(['node', 'queuesim', 'compare', 'flash-sale', '--vary', 'system.type', '--jobs', '1'], io)).toBe(2);
    expect(io.text.err).toContain('expected path=value');
    io = capture();
    expect(await main(['node', 'queuesim', 'compare', 'flash-sale', '--jobs', '1'], io)).toBe(2);
    expect(io.text.err).toContain('nothing to compare');
  });

  it('prints JSON with --json and exits 0 even when a variant fails an expectation', async () => {
    const io = capture();
    const code = await main(['node', 'queuesim', 'compare', 'compare-guarantees', '--seeds', '1',
      '--set', 'duration=6m', '--json', '--jobs', '1'], io);
    expect(code).toBe(0);
    const result = JSON.parse(io.text.out);
    expect(result.kind).toBe('compare');
    expect(result.variants.map((v: { seedsPassing: number }) => v.seedsPassing)).toEqual([0, 0, 1]);
  });
});

describe('built-in comparison scenarios', () => {
  // The determinism list: every built-in scenario this issue adds.
  for (const name of ['compare-guarantees', 'should-i-add-a-queue']) {
    it(`${name} is deterministic`, () => {
      const scenario = loadScenario(resolveScenarioFile(name));
      const a = JSON.stringify(runScenario(scenario));
      const b = JSON.stringify(runScenario(loadScenario(resolveScenarioFile(name))));
      expect(a).toBe(b);
    });
  }

  /** Per variant, the expectations that failed on some seed. */
  const failing = (v: { expectations: { expr: string; passing: number }[] }, seeds: number): string[] =>
    v.expectations.filter((e) => e.passing < seeds).map((e) => e.expr);

  it('compare-guarantees: at-most-once loses, at-least-once duplicates, effectively-once does neither', async () => {
    const file = resolveScenarioFile('compare-guarantees');
    const { readFileSync } = await import('node:fs');
    const r = await compare({ source: readFileSync(file, 'utf8'), file, options: {} }, { seeds: 2, vary: [], sets: [], jobs: 1 });
    const [amo, alo, eo] = r.variants;
    // Each breaks exactly its own promise; drain and recovery hold for all three.
    expect(failing(amo, 2)).toEqual(['orders.lossRatio == 0%']);
    expect(failing(alo, 2)).toEqual(['orders.duplicateRatio == 0%']);
    expect(failing(eo, 2)).toEqual([]);
    expect(amo.figures['orders.losses'].mean).toBeGreaterThan(0);
    expect(amo.figures['orders.duplicates'].mean).toBe(0);
    expect(alo.figures['orders.duplicates'].mean).toBeGreaterThan(0);
    expect(alo.figures['orders.losses'].mean).toBe(0);
    expect(eo.figures['orders.duplicates'].mean).toBe(0);
    expect(eo.figures['orders.losses'].mean).toBe(0);
  });

  it('should-i-add-a-queue: direct fails calls, the queue fails none but adds latency and backlog', async () => {
    const file = resolveScenarioFile('should-i-add-a-queue');
    const { readFileSync } = await import('node:fs');
    const r = await compare({ source: readFileSync(file, 'utf8'), file, options: {} }, { seeds: 1, vary: [], sets: [], jobs: 1 });
    const [direct, queue] = r.variants;
    // The caller's SLO: the direct call fails it (a third of the orders refused), the queue meets it.
    expect(failing(direct, 1)).toEqual(['database.failedRatio < 1%']);
    expect(failing(queue, 1)).toEqual([]);
    expect(direct.figures['database.failedRatio'].mean).toBeGreaterThan(0.2);
    expect(direct.figures.rejected.mean).toBeGreaterThan(0.2 * (direct.figures.produced.mean ?? 0));
    expect(queue.figures.rejected.mean).toBe(0);
    expect(queue.figures['database.p99LatencyMs'].mean).toBeGreaterThan(60_000);
    expect(direct.figures['database.p99LatencyMs'].mean).toBeLessThan(3_000);
    expect(queue.figures['database.maxLag'].mean).toBeGreaterThan(100_000);
  });
});

describe('queuesim report', () => {
  it('re-renders a saved compare.json and a saved run result.json', async () => {
    const { mkdtempSync, readFileSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = mkdtempSync(join(tmpdir(), 'queuesim-report-'));
    let io = capture();
    expect(await main(['node', 'queuesim', 'compare', 'compare-guarantees', '--seeds', '1', '--set', 'duration=6m',
      '--jobs', '1', '--out', out, '--no-charts', '--no-html', '--quiet'], io)).toBe(0);
    expect(readdirSync(out)).toEqual(['compare.json']);
    io = capture();
    expect(await main(['node', 'queuesim', 'report', join(out, 'compare.json'), '--no-charts'], io)).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('compare: compare-guarantees');
    const run = mkdtempSync(join(tmpdir(), 'queuesim-report-'));
    expect(await main(['node', 'queuesim', 'run', 'crash-before-ack', '--out', run, '--no-charts', '--no-html', '--quiet'], capture())).toBe(0);
    io = capture();
    expect(await main(['node', 'queuesim', 'report', join(run, 'result.json'), '--no-charts', '--out', join(run, 'again')], io)).toBe(0);
    expect(readdirSync(join(run, 'again')).sort()).toEqual(['report.html', 'result.json', 'timeseries.csv']);
    expect(readFileSync(join(run, 'again', 'result.json'), 'utf8')).toBe(readFileSync(join(run, 'result.json'), 'utf8'));
    io = capture();
    expect(await main(['node', 'queuesim', 'report', join(run, 'timeseries.csv')], io)).toBe(2);
    expect(io.text.err).toContain('not JSON');
  });
});
