/** Each system's own figures, folded in src/observe/systems/ from the facts its model reports. */
import { describe, expect, it } from 'vitest';
import { DirectFacts } from '../../src/observe/systems/direct.js';
import { BrokerMeter, type DeadLetterRecord } from '../../src/observe/systems/broker.js';
import { PartitionLagMeter } from '../../src/observe/systems/log.js';

describe('direct figures', () => {
  it('counts final failures per phase (half-open windows, repeats add up) and folds the sampled load', () => {
    let now = 0;
    const facts = new DirectFacts(() => now, [
      { name: 'sale', startMs: 10, endMs: 20 },
      { name: 'sale', startMs: 30, endMs: 40 },
      { name: 'quiet', startMs: 50, endMs: 60 },
    ]);
    for (const t of [5, 15, 35, 40]) {
      now = t;
      facts.callFailed();
    }
    facts.attemptFailed('timeout');
    facts.attemptFailed('queue-full');
    facts.attemptFailed('timeout');
    const figures = facts.figures({ downstream: [0.5, null, 1] }, { downstream: [3, 7, null] });
    // 15 and 35 fall inside a sale; 5 inside none; 40 is the second sale's end, outside it.
    expect(figures).toEqual({
      failedAttemptsByCause: { 'queue-full': 1, timeout: 2 },
      failedDuringPhase: { sale: 2, quiet: 0 },
      meanUtilisation: 0.75,
      maxUtilisation: 1,
      maxWaiting: 7,
    });
  });
});

describe('broker figures', () => {
  it('counts deliveries per consumer, unroutable publishes, and lists the first 100 dead letters', () => {
    const meter = new BrokerMeter();
    const a = meter.subscribed('billing/0', 'billing');
    const b = meter.subscribed('billing/1', 'billing');
    for (const attempt of [1, 1, 2, 3]) meter.delivered(a, attempt);
    meter.delivered(b, 1);
    meter.unroutable(true);
    meter.unroutable(false);
    meter.unroutable(false);
    const deaths: DeadLetterRecord[] = Array.from({ length: 150 }, (_, i) => ({
      tMs: i, messageId: i, queue: 'billing', reason: 'rejected', count: 1,
    }));
    const figures = meter.figures(deaths);
    expect(figures.consumers).toEqual({
      'billing/0': { queue: 'billing', deliveries: 4, redeliveries: 2 },
      'billing/1': { queue: 'billing', deliveries: 1, redeliveries: 0 },
    });
    expect(figures.unroutable).toEqual({ returned: 1, dropped: 2 });
    expect(figures.deadLetters.length).toBe(100);
    expect(figures.deadLetters[99].messageId).toBe(99);
    expect(figures.deadLettersOmitted).toBe(50);
  });
});

describe('log figures', () => {
  it('keeps the largest lag reported at an append, per partition', () => {
    const meter = new PartitionLagMeter(2);
    meter.lagAtAppend(0, 3);
    meter.lagAtAppend(0, 9);
    meter.lagAtAppend(0, 4);
    meter.lagAtAppend(1, 1);
    const log = {
      activePartitions: () => [0, 1].map((g) => ({ name: `t-${g}`, global: g, logEndOffset: 10 + g, logStartOffset: 0 })),
      groups: [],
      partitions: [],
      cluster: { replicas: [0, 1].map(() => ({ leader: 0, brokers: [2], inSync: [true] })) },
    };
    const figures = meter.figures(log as never, []);
    expect(figures.partitions['t-0']).toEqual({ records: 10, logStartOffset: 0, maxLag: 9, owners: {}, leader: 2, isr: [2] });
    expect(figures.partitions['t-1'].maxLag).toBe(1);
    expect(figures.assignments).toEqual({});
  });
});
