/**
 * `--warmup`: the first part of a run is left out of latency, queue wait, max lag and oldest
 * age, so they describe the steady state; counts still cover the whole run.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { main, type Io } from '../../src/cli.js';

// A burst at 100/s for 5 s against one 50 ms handler (20/s) leaves a backlog of about 400 that
// drains at 10/s, gone well before 60 s; after that every order waits nothing and takes
// exactly 50 ms, and the lag is at most the one order in service.
const YAML = `
name: warm
duration: 2m
system: { type: workqueue }
producers:
  - { name: p, rate: 10/s, arrivals: uniform, phases: [{ name: burst, at: 0s, duration: 5s, rate: 100/s }] }
consumers:
  - { group: g, service: const(50ms) }
`;

describe('--warmup', () => {
  it('excludes the warm-up from latency and max lag, not from counts', () => {
    const scenario = parseScenario(YAML, 'warm.yaml');
    const cold = runScenario(scenario);
    const warm = runScenario(scenario, { warmupMs: 60_000 });
    expect(cold.summary.groups.g.maxLag).toBeGreaterThan(300);
    expect(cold.summary.groups.g.latencyMs.max).toBeGreaterThan(10_000);
    const g = warm.summary.groups.g;
    expect(g.maxLag).toBe(1);
    expect(g.latencyMs.max).toBe(50);
    expect(g.latencyMs.p50).toBe(50);
    expect(g.queueWaitMs.max).toBe(0);
    expect(g.processed).toBe(cold.summary.groups.g.processed);
    expect(warm.meta.warmupMs).toBe(60_000);
    expect(cold.meta.warmupMs).toBeUndefined();
  });

  it('is refused when not shorter than the run', async () => {
    const text = { out: '', err: '' };
    const io: Io = { out: (t) => (text.out += t), err: (t) => (text.err += t), errIsTty: false, outIsTty: false };
    expect(await main(['node', 'queuesim', 'run', 'crash-before-ack', '--warmup', '20m', '--json'], io)).toBe(2);
    expect(text.err).toContain('--warmup 1200000 ms is not shorter than the run');
    expect(await main(['node', 'queuesim', 'run', 'crash-before-ack', '--warmup', 'soon', '--json'], io)).toBe(2);
  });
});
