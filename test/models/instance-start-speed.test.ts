/**
 * Consumers that come up late (`startAt`), run at their own speed (`speed`), and the
 * same-instant rule: a fault at time t takes effect before any handling starts at t
 * (docs/semantics.md, "Consumers on every system"). Each case is worked out by hand on a
 * backlog handed out at t = 0 with a constant 10 ms service, on every system with a queue.
 */
import { describe, expect, it } from 'vitest';
import { group, run, scenarioErrors } from '../helpers.js';

const SYSTEMS: Record<string, { system: string; producer: string; consumer: string }> = {
  workqueue: { system: '{ type: workqueue }', producer: '', consumer: '' },
  broker: { system: '{ type: broker, queues: [{ name: g }] }', producer: ', routingKey: g', consumer: ', prefetch: 1' },
  log: { system: '{ type: log, topics: [{ name: g, partitions: 1 }] }', producer: '', consumer: '' },
  queue: { system: '{ type: queue, queues: [{ name: g, receiveMessageWaitTime: 20s }] }', producer: '', consumer: '' },
};

function backlog(type: string, messages: number, consumer: string, faults = ''): string {
  const s = SYSTEMS[type];
  return `
name: backlog-${type}
duration: 10s
system: ${s.system}
producers: [{ name: p, rate: 0/s, backlog: ${messages}${s.producer} }]
consumers: [{ group: g, service: "const(10ms)"${s.consumer}${consumer} }]
${faults}
`;
}

describe('a slowdown at 0 s slows the backlog handed out at 0 s', () => {
  // Five messages, ×3 for the first 100 ms. Handling starts at 0, 30, 60 and 90 ms, inside the
  // slowdown (30 ms each); the fifth starts at 120 ms, after it (10 ms). Latencies 30, 60, 90,
  // 120, 130: mean 86, max 130. Were the fault applied after the hand-out at 0, the first
  // message would take 10 ms and the max would be 100.
  for (const type of Object.keys(SYSTEMS)) {
    it(type, () => {
      const g = group(run(backlog(type, 5, '', 'faults: [{ kind: slowdown, group: g, at: 0s, for: 100ms, factor: 3 }]')));
      expect(g.processed).toBe(5);
      expect(g.latencyMs.mean).toBeCloseTo(86, 9);
      expect(g.latencyMs.max).toBeCloseTo(130, 9);
    });
  }
});

describe('per-instance speed applies from the first message', () => {
  // Ten messages, two instances at speeds 1 and 0.3 (10 ms and 33.3 ms). Round-robin at 0:
  // m0 → fast, m1 → slow. The fast one takes m2, m3, m4 at 10, 20, 30 ms; the slow one m5 at
  // 33.3; the fast one m6, m7, m8 at 40, 50, 60; the slow one m9 at 66.7, done at 100. Ends:
  // 10, 33.3, 20, 30, 40, 66.7, 50, 60, 70, 100: mean 48, max 100.
  for (const type of ['workqueue', 'broker', 'queue']) {
    it(type, () => {
      const g = group(run(backlog(type, 10, ', instances: 2, speed: [1, 0.3]')));
      expect(g.processed).toBe(10);
      expect(g.latencyMs.mean).toBeCloseTo(48, 9);
      expect(g.latencyMs.max).toBeCloseTo(100, 9);
    });
  }

  it('log: the partition goes to one instance, which handles all at its own speed', () => {
    // One partition, so one member owns it: instance 0 at speed 0.5 takes 20 ms per record.
    // Ends 20, 40, …, 200: mean 110.
    const g = group(run(backlog('log', 10, ', instances: 2, speed: [0.5, 4]')));
    expect(g.latencyMs.mean).toBeCloseTo(110, 9);
    expect(g.latencyMs.max).toBeCloseTo(200, 9);
  });

  it('one number sets every instance', () => {
    // Speed 2: 5 ms each, one instance, ends 5 … 25: mean 15.
    expect(group(run(backlog('workqueue', 5, ', speed: 2'))).latencyMs.mean).toBeCloseTo(15, 9);
  });
});

describe('startAt: a group that comes up later', () => {
  // Ten messages wait from 0 until the instance comes up at 1 s: waits 1000, 1010, …, 1090
  // (mean 1045), latencies 1010 … 1100. The instance exists from 1 s: 9 instance-seconds of a
  // 10 s run, all of them up (availability 1).
  for (const type of ['workqueue', 'broker', 'queue']) {
    it(type, () => {
      const r = run(backlog(type, 10, ', startAt: 1s'));
      const g = group(r);
      expect(g.queueWaitMs.mean).toBeCloseTo(1045, 9);
      expect(g.latencyMs.max).toBeCloseTo(1100, 9);
      expect(g.instanceSeconds).toBe(9);
      expect(g.availability).toBe(1);
      expect(r.timeline).toContainEqual({ tMs: 1000, kind: 'start', subject: 'g/0' });
    });
  }

  it('log: the first member joins an empty group and waits for more members', () => {
    // Joins at 1 s; the empty group waits groupInitialRebalanceDelay (3 s), then the
    // JoinGroup/SyncGroup exchange (rebalanceTime, 1 s): fetching starts at 5 s, from the
    // group's offsets at 0. Waits 5000 … 5090: mean 5045.
    const r = run(backlog('log', 10, ', startAt: 1s'));
    expect(group(r).queueWaitMs.mean).toBeCloseTo(5045, 9);
    expect(r.timeline.find((e) => e.kind === 'rebalance-end')?.tMs).toBe(5000);
  });

  it('a crash before the start passes the instance by', () => {
    const g = group(run(backlog('workqueue', 10, ', startAt: 1s',
      'faults: [{ kind: crash, group: g, at: 500ms, restartAfter: 100ms }]')));
    expect(g.queueWaitMs.mean).toBeCloseTo(1045, 9);
    expect(g.availability).toBe(1);
  });

  it('refuses a start after the end and a speed list of the wrong length', () => {
    expect(scenarioErrors(backlog('workqueue', 1, ', startAt: 20s')).join('\n')).toContain(
      'consumers[0].startAt: the group would start after the run ends');
    expect(scenarioErrors(backlog('workqueue', 1, ', instances: 3, speed: [1, 2]')).join('\n')).toContain(
      'consumers[0].speed: a list of 2 speed(s) for 3 instance(s)');
  });
});
