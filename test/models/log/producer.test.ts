/**
 * Hand-computed cases of the producer client: one key, evenly spaced arrivals every 100 ms
 * (message k is produced at (k + 1) × 100 ms, so message 599 at 60.0 s) on one partition, and
 * flaky-broker windows that fail or lose exactly the writes inside them (probability 1).
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function scenario(producer: string, faults: string, duration = '3m'): string {
  return `
name: producer-case
duration: ${duration}
drain: 1m
system:
  type: log
  topics: [{ name: t, partitions: 1 }]
  brokerFaults: [${faults}]
producers:
  - { name: p, rate: 10/s, arrivals: uniform, keys: { count: 1 }${producer} }
consumers:
  - { group: g, service: const(10ms) }
`;
}

describe('a write that fails alone (failedWrites) with a 150 ms backoff', () => {
  // Only the write of 60.0 s (message 599) fails. Kafka puts the failed batch back at the head
  // of its partition's queue and sends nothing of that partition while it backs off; only
  // requests already in flight could overtake it, and the failure is known at once here.
  const faults = '{ at: 60s, for: 1ms, failedWrites: 1 }';

  it('without idempotence and 5 in flight, the records produced during the backoff wait behind the retry', () => {
    // Backoff 350 ms: 600, 601 and 602 (60.1, 60.2, 60.3 s) wait; at 60.35 s the retry and
    // then they land in order and are served 10 ms each: 599 done at 60.36 s (360 ms late),
    // 600 at 60.37 (270), 601 at 60.38 (180), 602 at 60.39 (90). Before Kafka's rule was
    // modelled, all three overtook 599: one ordering violation.
    const r = run(scenario(', enableIdempotence: false, retryBackoff: 350ms', faults));
    const g = group(r);
    expect(g).toMatchObject({ orderingViolations: 0, duplicates: 0, losses: { total: 0, byCause: {} } });
    expect(r.anomalies.g ?? []).toEqual([]);
    expect(r.summary).toMatchObject({ accepted: r.summary.produced, rejected: 0, duplicateAppends: 0 });
    expect(g.latencyMs.max).toBeCloseTo(360, 6);
  });

  it('with idempotence (the default) the next record waits behind the retry: order kept', () => {
    const g = group(run(scenario(', retryBackoff: 150ms', faults)));
    expect(g).toMatchObject({ orderingViolations: 0, duplicates: 0 });
    // Message 600 waits from 60.1 s to 60.15 s, then queues behind 599 for 10 ms of service.
    expect(g.latencyMs.max).toBeCloseTo(160, 6);
  });

  it('maxInFlight 1 keeps order without idempotence too', () => {
    const g = group(run(scenario(', enableIdempotence: false, maxInFlight: 1, retryBackoff: 150ms', faults)));
    expect(g.orderingViolations).toBe(0);
  });

  it('acks=0 does not retry: the record is lost for the group, yet counted as sent', () => {
    const r = run(scenario(', acks: 0', faults));
    expect(group(r).losses).toEqual({ total: 1, byCause: { 'write-failed': 1 } });
    expect(r.summary).toMatchObject({ accepted: r.summary.produced, rejected: 0 });
  });
});

describe('giving up', () => {
  // Every write of [60 s, 90.05 s) fails. A failed record backs off at the head of the
  // partition, and the records produced after it wait behind it, untried (Kafka's accumulator);
  // backoff doubles from 100 ms to the 1 s cap: tries at t, t + 0.1, 0.3, 0.7, 1.5, 2.5, … s.
  const faults = '{ at: 60s, for: 30050ms, failedWrites: 1 }';

  it('deliveryTimeout rejects exactly the records that could not land in time', () => {
    // 599 (60.0 s) retries until its 10 s delivery timeout at 70.0 s. Then 600 (60.1 s) is
    // tried, fails, and its first retry falls on its own timeout, 70.1 s; and so on: record k
    // is tried once, at k × 0.1 s + 10 s, and fails while that is before 90.05 s: k ≤ 800, so
    // 599 … 800 (202) are rejected. 801 lands at 90.1 s and the records behind it follow.
    const r = run(scenario(', enableIdempotence: false, deliveryTimeout: 10s, requestTimeout: 5s', faults));
    expect(r.summary.rejectedByCause).toEqual({ 'delivery-timeout': 202 });
    expect(r.summary.accepted).toBe(r.summary.produced - 202);
    // Rejected records are the producer's to report, not the group's losses.
    expect(group(r)).toMatchObject({ losses: { total: 0, byCause: {} }, processed: r.summary.produced - 202 });
  });

  it('retries: 3 gives up on the fourth failure, 0.7 s after the first', () => {
    // One record at a time leads the partition: the j-th (599 + j) is first tried at
    // 60 + 0.7 j s and rejected at its fourth failure, 0.7 s later, while that is inside the
    // window: j ≤ 41 (88.7 … 89.4 s). The 42nd's fourth try, at 90.1 s, lands: 42 rejected.
    const r = run(scenario(', enableIdempotence: false, retries: 3', faults));
    expect(r.summary.rejectedByCause).toEqual({ 'retries-exhausted': 42 });
    expect(r.summary.accepted).toBe(r.summary.produced - 42);
  });
});

describe('a lost acknowledgement with maxInFlight 1', () => {
  it('holds the next records back until the retry is answered (request timeout + backoff)', () => {
    // The ack of 60.0 s is lost; the producer waits 30 s + 100 ms, resends (a copy), and only
    // then sends the records produced meanwhile: the first (60.1 s) is read after the copy's
    // 10 ms of service, at 90.11 s.
    const r = run(scenario(', enableIdempotence: false, maxInFlight: 1', '{ at: 60s, for: 1ms, lostAcks: 1 }'));
    const g = group(r);
    expect(r.summary.duplicateAppends).toBe(1);
    expect(g).toMatchObject({ duplicates: 1, orderingViolations: 0 });
    expect(g.queueWaitMs.max).toBeCloseTo(90_110 - 60_100, 6);
  });
});

describe('a lost acknowledgement with 5 in flight, without idempotence', () => {
  it('lets exactly the records sent before the request timeout overtake; those of the backoff wait', () => {
    // The ack of 599 (60.0 s) is lost. The producer keeps sending: 600 … 609 (60.1 … 61.0 s)
    // land and are served at once. At 61.05 s (requestTimeout 1050 ms) 599 goes back to the
    // head and backs off 120 ms; 610 (61.1 s) waits behind it. At 61.17 s the copy of 599
    // lands (a duplicate, processed after seq 609: one ordering violation), then 610, served
    // 61.18 … 61.19 s: 90 ms after it was produced, the longest latency of the run.
    const r = run(scenario(', enableIdempotence: false, requestTimeout: 1050ms, retryBackoff: 120ms', '{ at: 60s, for: 1ms, lostAcks: 1 }'));
    const g = group(r);
    expect(r.summary.duplicateAppends).toBe(1);
    expect(g).toMatchObject({ duplicates: 1, orderingViolations: 1 });
    expect(r.anomalies.g.filter((a) => a.kind === 'ordering-violation')).toMatchObject([{ messageId: 599, detail: 'seq 609 was processed before' }]);
    expect(g.latencyMs.max).toBeCloseTo(90, 6);
  });
});

describe('idempotence defaults as Kafka sets them', () => {
  it('is silently off with acks=1: a lost ack then stores a copy', () => {
    const r = run(scenario(', acks: 1', '{ at: 60s, for: 1ms, lostAcks: 1 }'));
    expect(r.summary.duplicateAppends).toBe(1);
  });

  it('is on by default: the same lost ack stores nothing twice', () => {
    const r = run(scenario('', '{ at: 60s, for: 1ms, lostAcks: 1 }'));
    expect(r.summary.duplicateAppends).toBe(0);
  });
});

describe('record size limits (RecordTooLargeException)', () => {
  // 10 records a second for 3 minutes: 1,800 produced.
  const sized = (producer: string, system = '') => run(scenario(producer, '').replace('brokerFaults: []', `brokerFaults: []\n  ${system}`));

  it('the producer refuses a record above max.request.size (1 MiB): every one is rejected', () => {
    const r = sized(', messageSize: 2MB');
    expect(r.summary).toMatchObject({ produced: 1799, accepted: 0, rejected: 1799, rejectedByCause: { 'record-too-large': 1799 } });
    expect(group(r).processed).toBe(0);
  });

  it('exactly 1 MiB is within both limits (the broker allows 1 MiB + 12 B)', () => {
    const r = sized(', messageSize: 1MB');
    expect(r.summary).toMatchObject({ accepted: 1799, rejected: 0 });
  });

  it('a larger maxRequestSize passes the producer, and the broker\'s message.max.bytes refuses it', () => {
    const r = sized(', messageSize: 1536KB, maxRequestSize: 2MB');
    expect(r.summary).toMatchObject({ accepted: 0, rejectedByCause: { 'record-too-large': 1799 } });
    expect(sized(', messageSize: 1536KB, maxRequestSize: 2MB', 'messageMaxBytes: 2MB').summary).toMatchObject({ accepted: 1799 });
  });

  it('under acks=0 the producer never hears the broker refuse it: accepted, then lost', () => {
    const r = sized(', messageSize: 1536KB, maxRequestSize: 2MB, acks: 0, enableIdempotence: false');
    expect(r.summary).toMatchObject({ accepted: 1799, rejected: 0 });
    expect(group(r).losses).toEqual({ total: 1799, byCause: { 'record-too-large': 1799 } });
  });
});
