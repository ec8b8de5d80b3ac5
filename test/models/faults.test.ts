/**
 * Deterministic fault cases: evenly spaced arrivals every 100 ms and constant service times,
 * so every crash hits a known message and the counts are exact, computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../helpers.js';

/** 10/s for 2 minutes: messages at 100, 200, … 119,900 ms: 1199 of them. */
function scenario(opts: { delivery: string; service: string; fault: string; concurrency?: number }): string {
  return `
name: fault-case
duration: 2m
drain: 10s
system: { type: workqueue }
producers:
  - { name: p, rate: 10/s, arrivals: uniform }
consumers:
  - group: g
    concurrency: ${opts.concurrency ?? 1}
    service: ${opts.service}
    delivery: ${opts.delivery}
faults:
  - ${opts.fault}
`;
}

const PRODUCED = 1199;

describe('crash after process, before ack', () => {
  const fault = '{ kind: crash, group: g, at: 1m, point: after-process-before-ack, restartAfter: 5s }';

  it('at-least-once repeats exactly one side effect', () => {
    const r = run(scenario({ delivery: 'at-least-once', service: 'const(50ms)', fault }));
    const g = group(r);
    expect(r.summary.produced).toBe(PRODUCED);
    expect(g).toMatchObject({ processed: PRODUCED, duplicates: 1, redeliveries: 1, deliveries: PRODUCED + 1 });
    expect(g.losses.total).toBe(0);
    expect(g.backlogAtEnd).toBe(0);
    // Message 599 (produced at 60.0 s) is the first to finish processing after the arm at 60 s.
    expect(r.anomalies.g[0]).toMatchObject({ kind: 'duplicate', messageId: 599 });
    expect(r.timeline.map((e) => [e.tMs, e.kind])).toEqual([
      [60_050, 'crash'],
      [65_050, 'restart'],
    ]);
  });

  it('effectively-once suppresses the redelivery: zero duplicate effects', () => {
    const g = group(run(scenario({ delivery: 'effectively-once', service: 'const(50ms)', fault })));
    expect(g).toMatchObject({ processed: PRODUCED, duplicates: 0, duplicatesSuppressed: 1, redeliveries: 1 });
    expect(g.losses.total).toBe(0);
  });

  it('repeats in a crash loop: five crashes, five duplicates', () => {
    const loop = '{ kind: crash, group: g, at: 10s, point: after-process-before-ack, restartAfter: 5s, every: 20s, times: 5 }';
    const g = group(run(scenario({ delivery: 'at-least-once', service: 'const(50ms)', fault: loop })));
    expect(g).toMatchObject({ duplicates: 5, redeliveries: 5, processed: PRODUCED });
  });
});

describe('crash after ack, before process', () => {
  it('at-most-once loses exactly the one message', () => {
    const fault = '{ kind: crash, group: g, at: 1m, point: after-ack-before-process, restartAfter: 5s }';
    const r = run(scenario({ delivery: 'at-most-once', service: 'const(50ms)', fault }));
    const g = group(r);
    expect(g).toMatchObject({ processed: PRODUCED - 1, duplicates: 0, redeliveries: 0, deliveries: PRODUCED });
    expect(g.losses).toEqual({ total: 1, byCause: { 'crash-after-ack': 1 } });
    expect(g.backlogAtEnd).toBe(0);
  });
});

describe('crash mid-process', () => {
  const fault = '{ kind: crash, group: g, at: 1m, point: mid-process, restartAfter: 5s }';

  it('at-least-once redelivers without a duplicate effect', () => {
    const g = group(run(scenario({ delivery: 'at-least-once', service: 'const(50ms)', fault })));
    expect(g).toMatchObject({ processed: PRODUCED, duplicates: 0, redeliveries: 1 });
    expect(g.losses.total).toBe(0);
  });

  it('at-most-once loses the message', () => {
    const g = group(run(scenario({ delivery: 'at-most-once', service: 'const(50ms)', fault })));
    expect(g).toMatchObject({ processed: PRODUCED - 1, duplicates: 0, redeliveries: 0 });
    expect(g.losses.total).toBe(1);
  });
});

describe('crash at a time', () => {
  it('requeues every unacked message the instance held, at the head, in order', () => {
    // 350 ms service, 4 handlers: at 60.02 s the instance holds the messages of 59.7, 59.8,
    // 59.9 and 60.0 s. All four come back and are delivered again after the restart.
    const fault = '{ kind: crash, group: g, at: 60020ms, restartAfter: 5s }';
    const r = run(scenario({ delivery: 'at-least-once', service: 'const(350ms)', fault, concurrency: 4 }));
    const g = group(r);
    expect(g).toMatchObject({ redeliveries: 4, duplicates: 0, processed: PRODUCED });
    expect(g.losses.total).toBe(0);
  });

  it('a crash at the same instant as a completion wins: the message is redelivered', () => {
    // The message of 59.7 s finishes at exactly 60.0 s, the crash time. The crash was
    // scheduled first (at start-up), so the kernel's FIFO tie-break runs it first.
    const fault = '{ kind: crash, group: g, at: 1m, restartAfter: 5s }';
    const g = group(run(scenario({ delivery: 'at-least-once', service: 'const(300ms)', fault, concurrency: 4 })));
    expect(g).toMatchObject({ redeliveries: 3, duplicates: 0, processed: PRODUCED });
  });

  it('at-most-once loses whatever it had acked but not processed', () => {
    const fault = '{ kind: crash, group: g, at: 60020ms, restartAfter: 5s }';
    const g = group(run(scenario({ delivery: 'at-most-once', service: 'const(350ms)', fault, concurrency: 4 })));
    expect(g.losses).toEqual({ total: 4, byCause: { 'crash-after-ack': 4 } });
    expect(g).toMatchObject({ redeliveries: 0, processed: PRODUCED - 4 });
  });
});

describe('slowdown', () => {
  it('multiplies service times inside its window only', () => {
    const fault = '{ kind: slowdown, group: g, at: 30s, for: 30s, factor: 4 }';
    const r = run(scenario({ delivery: 'at-least-once', service: 'const(20ms)', fault }));
    const g = group(r);
    // 80 ms inside the window, 20 ms outside; the queue never builds (80 ms < 100 ms gaps).
    expect(g.latencyMs.max).toBeCloseTo(80, 6);
    expect(g.latencyMs.p50).toBeCloseTo(20, 1);
    expect(r.timeline.map((e) => e.kind)).toEqual(['slowdown-start', 'slowdown-end']);
  });
});

describe('poison messages', () => {
  // Every 100th message (ids 99, 199, …, 1099: 11 of 1199) makes the handler fail.
  const POISON = 11;

  it('transient failures are redelivered and then processed: no loss, no duplicate', () => {
    const fault = '{ kind: poison, every: 100, failures: 2 }';
    const g = group(run(scenario({ delivery: 'at-least-once', service: 'const(50ms)', fault })));
    expect(g).toMatchObject({ failures: 2 * POISON, redeliveries: 2 * POISON, processed: PRODUCED, duplicates: 0 });
    expect(g.losses.total).toBe(0);
  });

  it('a rejected poison message is dropped: a loss with cause rejected', () => {
    const r = run(scenario({ delivery: 'at-least-once', service: 'const(50ms)', fault: '{ kind: poison, every: 100 }' })
      .replace('delivery: at-least-once', 'delivery: at-least-once\n    onError: reject'));
    const g = group(r);
    expect(g.losses).toEqual({ total: POISON, byCause: { rejected: POISON } });
    expect(g).toMatchObject({ failures: POISON, processed: PRODUCED - POISON, backlogAtEnd: 0 });
  });

  it('under at-most-once the failed message was already acked: lost', () => {
    const g = group(run(scenario({ delivery: 'at-most-once', service: 'const(50ms)', fault: '{ kind: poison, every: 100 }' })));
    expect(g.losses).toEqual({ total: POISON, byCause: { 'processing-failed': POISON } });
  });

  it('probability picks the same messages in every group (decided per message id)', () => {
    const yaml = scenario({ delivery: 'at-least-once', service: 'const(5ms)', fault: '{ kind: poison, probability: 0.05, failures: 1 }' })
      .replace('consumers:', 'consumers:\n  - { group: other, service: exp(5ms), onError: requeue }');
    const r = run(yaml);
    const [a, b] = [r.summary.groups.g.failures, r.summary.groups.other.failures];
    expect(a).toBe(b);
    // 1199 messages at p = 0.05: about 60 (sd ≈ 7.5); a wide band still catches a broken hash.
    expect(a).toBeGreaterThan(30);
    expect(a).toBeLessThan(90);
  });
});
