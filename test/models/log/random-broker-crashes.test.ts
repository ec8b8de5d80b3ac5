/**
 * Log brokers that crash at random (`system.brokerCrashes[]` with `mtbf` and `mttr`): the
 * random-crash fault of consumer instances acting on brokers, through the leader-failover model.
 * Constant times give an exact schedule; random ones a count pinned for the seed.
 */
import { describe, expect, it } from 'vitest';
import { group, run, scenarioErrors } from '../../helpers.js';

function scenario(crashes: string, duration = '1h', rate = '20/s'): string {
  return `name: random-brokers
duration: ${duration}
system:
  type: log
  topics: [{ name: t, partitions: 6, replicationFactor: 3, minInsyncReplicas: 2 }]
  brokerCrashes:
    - { ${crashes} }
producers:
  - { name: p, rate: ${rate}, arrivals: uniform }
consumers:
  - { group: g, instances: 2, service: const(5ms) }
`;
}

type Entry = { tMs: number; kind: string; subject: string };
const of = (timeline: Entry[], kind: string) => timeline.filter((e) => e.kind === kind);

describe('random broker crashes with constant times', () => {
  it('crash on the exact schedule: up 10 minutes, down 1, five times in the hour', () => {
    const result = run(scenario('broker: 0, mtbf: const(10m), mttr: const(1m)'));
    expect(of(result.timeline, 'broker-crash').map((e) => e.tMs / 1000)).toEqual([600, 1260, 1920, 2580, 3240]);
    expect(of(result.timeline, 'broker-restart').map((e) => e.tMs / 1000)).toEqual([660, 1320, 1980, 2640, 3300]);
    // The controller notices each crash after broker.session.timeout.ms (9 s) and moves the leaders.
    expect(of(result.timeline, 'broker-fenced').map((e) => e.tMs / 1000)).toEqual([609, 1269, 1929, 2589, 3249]);
  });

  it('lose nothing with three replicas and acks=all: every message is processed once', () => {
    const result = run(scenario('broker: 0, mtbf: const(10m), mttr: const(1m)'));
    const g = group(result);
    expect(result.summary.rejected).toBe(0);
    expect([g.processed, g.duplicates, g.losses.total]).toEqual([result.summary.produced, 0, 0]);
  });

  it('stay exact over days: up 10 h, down 1 h for 11 days is 24 crashes and 24 restarts', () => {
    // Crashes at 10 h + 11 h × k for k = 0 … 23 (the 24th at 263 h), each back an hour later.
    const result = run(scenario('broker: 1, mtbf: const(10h), mttr: const(1h)', '11d', '1/min'));
    const crashes = of(result.timeline, 'broker-crash');
    expect(crashes.length).toBe(24);
    expect(crashes.at(-1)!.tMs).toBe(263 * 3_600_000);
    expect(of(result.timeline, 'broker-restart').length).toBe(24);
    expect(group(result).losses.total).toBe(0);
  });
});

describe('random broker crashes with random times', () => {
  // Three brokers, each up exp(2h) and down exp(5m), for two days: about 48 / (2 + 1/12) = 23
  // crashes per broker, 69 in all; the seeded streams give exactly this many every time.
  const yaml = scenario('mtbf: exp(2h), mttr: exp(5m)', '2d', '1/min');
  /** What seed 1 gives: a change to the streams or the fault's draws moves it. */
  const PINNED_CRASHES = 72;

  it('give the same count on every run, near what renewal theory expects', () => {
    const first = run(yaml);
    const crashes = of(first.timeline, 'broker-crash');
    expect(crashes.length).toBe(PINNED_CRASHES);
    expect(crashes.length).toBeGreaterThan(69 - 3 * Math.sqrt(69));
    expect(crashes.length).toBeLessThan(69 + 3 * Math.sqrt(69));
    expect(of(run(yaml).timeline, 'broker-crash').map((e) => e.tMs)).toEqual(crashes.map((e) => e.tMs));
    // Every broker fails on a stream of its own.
    expect(new Set(crashes.map((e) => e.subject))).toEqual(new Set(['broker-0', 'broker-1', 'broker-2']));
  });

  it('lose nothing acknowledged: acks=all and min.insync.replicas 2', () => {
    const g = group(run(yaml));
    expect(g.losses.total).toBe(0);
  });
});

describe('brokerCrashes settings', () => {
  it('refuse a mix of the two forms, saying what each takes', () => {
    expect(scenarioErrors(scenario('broker: 0, at: 1m, mtbf: exp(1h), mttr: const(1m)')).join('\n'))
      .toMatch(/brokerCrashes\[0\]: expected \{ broker, at, for \} .* or \{ broker, mtbf, mttr, from, until \}/);
  });

  it('refuse an unknown broker and an mtbf that is no distribution', () => {
    expect(scenarioErrors(scenario('broker: 3, mtbf: exp(1h), mttr: const(1m)')).join('\n')).toMatch(/brokerCrashes\[0\]\.broker: no broker 3/);
    expect(scenarioErrors(scenario('broker: 0, mtbf: sometimes, mttr: const(1m)')).join('\n')).toMatch(/brokerCrashes\[0\]\.mtbf/);
  });
});
