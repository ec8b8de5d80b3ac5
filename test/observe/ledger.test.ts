/**
 * The ledger folds hand-written histories of a few facts; each test asserts the exact
 * numbers of docs/metrics.md's definitions.
 */
import { describe, expect, it } from 'vitest';
import { Ledger, NO_KEY } from '../../src/observe/ledger.js';
import { summarize } from '../../src/observe/checker.js';

function ledger(keys = 0): { l: Ledger; at: (t: number) => void } {
  const l = new Ledger();
  let now = 0;
  l.useClock(() => now);
  if (keys > 0) l.addKeys('k', keys);
  l.addProducer();
  l.addGroup('g');
  return { l, at: (t) => (now = t) };
}

/** produce → accept → enqueue for group 0. */
function send(l: Ledger, key = NO_KEY): number {
  const id = l.produce(0, key);
  l.accept(id);
  l.enqueue(0, id);
  return id;
}

const summary = (l: Ledger) => summarize(l, 1000, 0, [{ instances: 1, concurrency: 1 }]).groups.g;

describe('empty history', () => {
  it('has all-zero figures', () => {
    const { l } = ledger();
    expect(summary(l)).toMatchObject({ processed: 0, duplicates: 0, maxLag: 0, backlogAtEnd: 0 });
    expect(summary(l).losses).toEqual({ total: 0, byCause: {} });
  });
});

describe('producer acknowledgements', () => {
  it('counts what is neither accepted nor rejected at the end as awaiting its ack', () => {
    const { l } = ledger();
    const ids = [0, 1, 2, 3, 4].map(() => l.produce(0, NO_KEY));
    l.accept(ids[0]);
    l.accept(ids[1]);
    l.reject(ids[2], 'max-length');
    // ids[3] and ids[4] were sent to a partition that went offline: no answer by the end.
    expect(summarize(l, 1000, 0, [{ instances: 1, concurrency: 1 }])).toMatchObject({ produced: 5, accepted: 2, rejected: 1, awaitingAck: 2 });
  });
});

describe('duplicates', () => {
  it('counts Σ max(0, times processed − 1) and keeps evidence', () => {
    const { l } = ledger();
    const a = send(l);
    const b = send(l);
    for (const id of [a, a, a, b]) l.process(0, id);
    const g = summary(l);
    expect(g.processed).toBe(2);
    expect(g.duplicates).toBe(2);
    expect(l.groups[0].anomalies.map((x) => [x.kind, x.messageId])).toEqual([
      ['duplicate', a],
      ['duplicate', a],
    ]);
  });

  it('counts suppressed redeliveries apart from duplicate effects', () => {
    const { l } = ledger();
    const a = send(l);
    l.deliver(0, a, 1);
    l.process(0, a);
    l.deliver(0, a, 2);
    l.suppress(0, a);
    l.ack(0, a);
    expect(summary(l)).toMatchObject({ duplicates: 0, duplicatesSuppressed: 1, redeliveries: 1, deliveries: 2 });
  });
});

describe('losses', () => {
  it('an acked, unprocessed message abandoned by a crash is lost', () => {
    const { l } = ledger();
    const a = send(l);
    const b = send(l);
    l.ack(0, a); // at-most-once: ack on receipt
    l.abandon(0, a, 'crash-after-ack');
    l.abandon(0, b, 'crash-after-ack'); // unacked: the system redelivers it, no loss
    expect(summary(l).losses).toEqual({ total: 1, byCause: { 'crash-after-ack': 1 } });
    expect(summary(l).backlogAtEnd).toBe(1);
  });

  it('a drop of an unprocessed message is a loss; dead letters are not', () => {
    const { l } = ledger();
    const a = send(l);
    const b = send(l);
    l.drop(0, a, 'retention');
    l.deadLetter(0, b, 'expired');
    const g = summary(l);
    expect(g.losses).toEqual({ total: 1, byCause: { retention: 1 } });
    expect(g).toMatchObject({ deadLettered: 1, deadLetteredByReason: { expired: 1 }, backlogAtEnd: 0 });
  });
});

describe('ordering violations', () => {
  it('counts processings after a higher seq of the same key', () => {
    const { l } = ledger(2);
    const [k0a, k0b, k1a, k0c] = [send(l, 0), send(l, 0), send(l, 1), send(l, 0)];
    for (const id of [k0b, k1a, k0a, k0c, k0a]) l.process(0, id);
    // k0a after k0b: 1; k0c fine; k0a again after k0c: 2. Key 1 is independent.
    expect(summary(l).orderingViolations).toBe(2);
    expect(l.groups[0].anomalies.filter((x) => x.kind === 'ordering-violation')[0]).toMatchObject({
      messageId: k0a,
      key: 'k0',
      seq: 0,
      detail: 'seq 1 was processed before',
    });
  });
});

describe('lag, oldest age and recovery', () => {
  it('tracks lag, its maximum and the oldest age exactly', () => {
    const { l, at } = ledger();
    at(0);
    const a = send(l);
    at(10);
    const b = send(l);
    at(30);
    expect(l.oldestAgeMs(0)).toBe(30);
    l.ack(0, b);
    expect(l.oldestAgeMs(0)).toBe(30);
    at(50);
    l.ack(0, a);
    expect(l.oldestAgeMs(0)).toBe(0);
    expect(summary(l)).toMatchObject({ maxLag: 2, maxOldestAgeMs: 50, backlogAtEnd: 0 });
  });

  it('recovery is the time from phase end until lag is back at its phase-start level', () => {
    const { l, at } = ledger();
    const before = send(l); // lag 1 when the phase starts
    l.phaseStart('spike');
    const ids = [send(l), send(l), send(l)];
    at(100);
    l.phaseEnd('spike');
    at(130);
    l.ack(0, ids[0]);
    l.ack(0, ids[1]);
    expect(summary(l).recoveryMs).toEqual({ spike: null });
    at(170);
    l.ack(0, before);
    expect(summary(l).recoveryMs).toEqual({ spike: 70 });
  });

  it('a phase whose backlog never drains reports null', () => {
    const { l, at } = ledger();
    l.phaseStart('spike');
    send(l);
    at(100);
    l.phaseEnd('spike');
    expect(summary(l).recoveryMs).toEqual({ spike: null });
  });
});

describe('latency', () => {
  it('end to end from the first processing, queue wait until a handler first starts', () => {
    const { l, at } = ledger();
    const a = send(l);
    at(40);
    l.deliver(0, a, 1); // into a prefetch buffer or a polled batch: still waiting
    at(60);
    l.serve(0, a, 40);
    at(100);
    l.process(0, a);
    at(500);
    l.deliver(0, a, 2);
    l.serve(0, a, 40);
    l.process(0, a);
    const g = summary(l);
    expect(g.latencyMs).toMatchObject({ count: 1, max: 100, mean: 100 });
    expect(g.queueWaitMs).toMatchObject({ count: 1, max: 60 });
    expect(g.latencyMs.p50).toBeCloseTo(100, 1);
  });
});
