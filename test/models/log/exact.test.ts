/**
 * Hand-computed cases on the log: evenly spaced arrivals every 100 ms (message k is produced at
 * (k + 1) × 100 ms and gets offset k on a single partition) and constant service times, so every
 * crash, rebalance and retention check hits known offsets.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

interface Case {
  duration?: string;
  drain?: string;
  partitions?: number;
  instances?: number;
  consumer?: string;
  topic?: string;
  system?: string;
  producer?: string;
  faults?: string[];
}

function scenario(c: Case): string {
  return `
name: log-case
duration: ${c.duration ?? '3m'}
drain: ${c.drain ?? '1m'}
system:
  type: log
  topics: [{ name: t, partitions: ${c.partitions ?? 1}${c.topic ?? ''} }]
  ${c.system ?? ''}
producers:
  - { name: p, rate: 10/s, arrivals: uniform${c.producer ?? ''} }
consumers:
  - { group: g, instances: ${c.instances ?? 1}, service: const(50ms)${c.consumer ?? ''} }
faults: [${(c.faults ?? []).join(', ')}]
`;
}

describe('auto-commit and a crash', () => {
  // Auto-commits happen inside poll() every 5 s: at 60.0 s the position 599 is committed
  // (offsets 0…598 done). The crash at 62.02 s cancels offset 619 mid-processing; offsets
  // 599…618 (20 records) were processed but not committed. The restarted instance joins at
  // 67.02 s, but the rebalance waits for the dead member until its session times out: its last
  // heartbeat (every 3 s from its join at 0) went out at 60 s, so 60 + 45 = 105 s; then the new
  // member resumes at the committed offset 599.
  const faults = ['{ kind: crash, group: g, at: 62020ms, restartAfter: 5s }'];

  it('repeats exactly the records processed since the last auto-commit', () => {
    const r = run(scenario({ consumer: ', enableAutoCommit: true', faults }));
    const g = group(r);
    expect(g).toMatchObject({ duplicates: 20, redeliveries: 21, processed: r.summary.produced, backlogAtEnd: 0 });
    expect(g.losses.total).toBe(0);
    expect(r.anomalies.g[0]).toMatchObject({ kind: 'duplicate', messageId: 599 });
    expect(r.timeline.map((e) => [e.tMs, e.kind, e.detail ?? ''])).toEqual([
      [62_020, 'crash', 'at time'],
      [67_020, 'restart', ''],
      [67_020, 'rebalance', 'g-000-1 joined'],
      [105_000, 'rebalance', 'g-000-0 session timeout expired'],
      [105_000, 'rebalance-end', 'generation 2, 37980 ms'],
    ]);
  });

  it('effectively-once recognises the 20 repeats and applies none', () => {
    const g = group(run(scenario({ consumer: ', enableAutoCommit: true, delivery: effectively-once', faults })));
    expect(g).toMatchObject({ duplicates: 0, duplicatesSuppressed: 20, redeliveries: 21 });
  });

  it('manual commits per batch leave nothing to repeat', () => {
    const g = group(run(scenario({ faults })));
    expect(g).toMatchObject({ duplicates: 0, redeliveries: 1 }); // offset 619, cancelled mid-way
  });
});

describe('commit before processing (at-most-once)', () => {
  it('loses exactly the committed record the crash interrupts', () => {
    // Armed at 60 s; the next poll (offset 599 at 60.0 s) commits 600, then crashes.
    const faults = ['{ kind: crash, group: g, at: 1m, point: after-ack-before-process, restartAfter: 5s }'];
    const r = run(scenario({ consumer: ', delivery: at-most-once', faults }));
    const g = group(r);
    expect(g.losses).toEqual({ total: 1, byCause: { 'crash-after-commit': 1 } });
    expect(g).toMatchObject({ duplicates: 0, redeliveries: 0, processed: r.summary.produced - 1, backlogAtEnd: 0 });
    expect(r.anomalies.g[0]).toMatchObject({ kind: 'loss', messageId: 599 });
  });

  it('at-least-once with the crash after processing repeats exactly that record', () => {
    const faults = ['{ kind: crash, group: g, at: 1m, point: after-process-before-ack, restartAfter: 5s }'];
    const g = group(run(scenario({ faults })));
    expect(g).toMatchObject({ duplicates: 1, redeliveries: 1, losses: { total: 0, byCause: {} } });
  });
});

describe('eager rebalance after a crash', () => {
  it('leaves the dead member\'s partition unconsumed for sessionTimeout + the rebalance', () => {
    // Round-robin: message k goes to partition k mod 2; instance 0 owns t-0, instance 1 t-1.
    // Instance 0 dies at 60.02 s (idle), 20 ms after its heartbeat of 60 s. At 105 s its session
    // expires and the rebalance pauses the whole group for rebalanceTime (1 s), then instance 1
    // takes both partitions. The first record of t-0 after the crash (k = 600, produced 60.1 s)
    // waits until 106 s.
    const r = run(scenario({
      partitions: 2, instances: 2, producer: ', partitioner: round-robin',
      faults: ['{ kind: crash, group: g, instance: 0, at: 60020ms }'],
    }));
    expect(r.timeline.map((e) => [e.tMs, e.kind])).toEqual([
      [60_020, 'crash'],
      [105_000, 'rebalance'],
      [106_000, 'rebalance-end'],
    ]);
    expect(group(r).queueWaitMs.max).toBeCloseTo(106_000 - 60_100, 6);
    expect(r.summary.assignments).toEqual({ g: { 'g-001-0': ['t-0', 't-1'] } });
    expect(group(r)).toMatchObject({ duplicates: 0, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
  });

  it('a longer rebalanceTime pauses the surviving member\'s partition for exactly that long', () => {
    // t-1 records produced during [105 s, 108 s) wait for the end of the rebalance; on t-0 the
    // first record after the crash (60.1 s) waits longest, until 108 s.
    const r = run(scenario({
      partitions: 2, instances: 2, producer: ', partitioner: round-robin', consumer: ', rebalanceTime: 3s',
      faults: ['{ kind: crash, group: g, instance: 0, at: 60020ms }'],
    }));
    expect(r.timeline.find((e) => e.kind === 'rebalance-end')).toMatchObject({ tMs: 108_000, detail: 'generation 2, 3000 ms' });
    expect(group(r).queueWaitMs.max).toBeCloseTo(108_000 - 60_100, 6);
  });
});

describe('the coordinator follows heartbeats', () => {
  it('expires a crashed member sessionTimeout after its last heartbeat, not after the crash', () => {
    // heartbeatInterval 10 s: heartbeats at 0, 10, …, 60 s; the one due at 70 s never goes out.
    // A crash at 69.99 s is noticed at 60 + 45 = 105 s, 35.01 s later (session − heartbeat + ε);
    // a crash exactly at 70 s is noticed at 105 s too (the crash comes before that heartbeat);
    // a crash at 70.01 s only at 115 s.
    const expiry = (at: string) => run(scenario({
      partitions: 2, instances: 2, consumer: ', heartbeatInterval: 10s',
      faults: [`{ kind: crash, group: g, instance: 0, at: ${at} }`],
    })).timeline.find((e) => e.kind === 'rebalance')!.tMs;
    expect(expiry('69990ms')).toBe(105_000);
    expect(expiry('70s')).toBe(105_000);
    expect(expiry('70010ms')).toBe(115_000);
  });
});

describe('an empty group\'s first rebalance', () => {
  // Both instances die at 60.02 s and leave at 105 s: the group is empty. Instance 0 comes back
  // at 120.02 s; the coordinator waits group.initial.rebalance.delay.ms (3 s) for more members.
  // Instance 1 joins at 121.02 s, inside the delay, which extends it by another 3 s from its
  // end: 126.02 s. Then the JoinGroup/SyncGroup round (rebalanceTime 1 s) ends at 127.02 s.
  const faults = [
    '{ kind: crash, group: g, instance: 0, at: 60020ms, restartAfter: 60s }',
    '{ kind: crash, group: g, instance: 1, at: 60020ms, restartAfter: 61s }',
  ];

  it('waits 3 s for more members, and 3 s more for each that arrives', () => {
    const r = run(scenario({ partitions: 2, instances: 2, faults }));
    expect(r.timeline.filter((e) => e.kind.startsWith('rebalance') && e.tMs > 110_000).map((e) => [e.tMs, e.kind, e.detail])).toEqual([
      [120_020, 'rebalance', 'g-000-1 joined; empty group waits 3000 ms for more members'],
      [121_020, 'rebalance', 'g-001-1 joined'],
      [127_020, 'rebalance-end', 'generation 3, 7000 ms'],
    ]);
    expect(r.summary.assignments).toEqual({ g: { 'g-000-1': ['t-0'], 'g-001-1': ['t-1'] } });
  });

  it('with the delay at 0 the first member takes everything at once', () => {
    const r = run(scenario({ partitions: 2, instances: 2, faults, system: 'groupInitialRebalanceDelay: 0s' }));
    expect(r.timeline.find((e) => e.kind === 'rebalance-end' && e.tMs > 110_000)).toMatchObject({ tMs: 121_020 });
  });
});

describe('retention and offset reset', () => {
  // Segments roll every 10 s: segment i holds offsets [100i, 100i + 100) and its newest record
  // is at 10(i + 1) s. With retention 1m, the check at 120 s deletes segments 0…4 (120 − 50 >
  // 60 but 120 − 60 is not): log start 500. The instance dies at 30.07 s with 300 committed,
  // so offsets 300…499 are deleted unread: 200 losses by retention. Its session expired at
  // 30 + 45 = 75 s, leaving the group empty; it comes back at 150.07 s, the empty group waits
  // group.initial.rebalance.delay.ms (3 s) for more members, the rebalance takes 1 s: at
  // 154.07 s it is below the log start, and resets.
  const base: Case = {
    duration: '170s', drain: '0s',
    topic: ', retention: 1m, segmentRoll: 10s',
    system: 'retentionCheckInterval: 1m',
    faults: ['{ kind: crash, group: g, at: 30070ms, restartAfter: 2m }'],
  };

  it('latest skips to the log end: offsets 500…1539 are lost too', () => {
    const r = run(scenario({ ...base, consumer: ', autoOffsetReset: latest' }));
    expect(group(r).losses).toEqual({ total: 1240, byCause: { 'offset-reset': 1040, retention: 200 } });
    expect(r.summary.partitions!['t-0']).toMatchObject({ logStartOffset: 500, records: 1699 });
    expect(r.timeline.filter((e) => e.kind === 'retention').map((e) => [e.tMs, e.detail])).toEqual([
      [120_000, 'log start 0 → 500'],
    ]);
    expect(r.timeline.find((e) => e.kind === 'offset-reset')).toMatchObject({ tMs: 154_070, detail: 'latest: 300 → 1540' });
  });

  it('earliest continues at the log start: only the deleted 200 are lost', () => {
    const r = run(scenario({ ...base, consumer: ', autoOffsetReset: earliest' }));
    expect(group(r).losses).toEqual({ total: 200, byCause: { retention: 200 } });
    expect(r.timeline.find((e) => e.kind === 'offset-reset')).toMatchObject({ detail: 'earliest: 300 → 500' });
  });

  it('a quiet partition loses its active segment too once its newest record is past retention', () => {
    // Records at 0.1 … 10 s, all in the one (active) segment; the only consumer is down from
    // 5.07 s (offsets 0…49 committed; 49 finished at 5.05 s). The newest record (10 s) is not
    // past 60 s at the 60 s check, but is at the 120 s one: the whole segment goes (Kafka rolls and deletes the
    // active segment once the high watermark has reached the log end), 50 records unread.
    const r = run(scenario({
      duration: '10050ms', drain: '3m', topic: ', retention: 1m', system: 'retentionCheckInterval: 1m',
      faults: ['{ kind: crash, group: g, at: 5070ms }'],
    }));
    expect(r.summary.produced).toBe(100);
    expect(r.timeline.filter((e) => e.kind === 'retention').map((e) => [e.tMs, e.detail])).toEqual([
      [120_000, 'log start 0 → 100'],
    ]);
    expect(group(r).losses).toEqual({ total: 50, byCause: { retention: 50 } });
    expect(r.summary.partitions!['t-0']).toMatchObject({ logStartOffset: 100, records: 100 });
  });

  it('retention.bytes deletes the oldest closed segments beyond the size', () => {
    // 1 KB records, 100 KB segments (100 records, rolling at offsets 100, 200, …), 250 KB kept:
    // at 60 s offsets 0…598 (599 KB) are stored. Kafka deletes the oldest while size − its size
    // ≥ retention.bytes: 499, 399 and 299 KB remain ≥ 250 KB, 199 KB would not. Log start 300.
    const r = run(scenario({
      duration: '60s', drain: '0s', topic: ', retentionBytes: 250KB, segmentBytes: 100KB',
      system: 'retentionCheckInterval: 1m',
    }));
    expect(r.summary.partitions!['t-0'].logStartOffset).toBe(300);
  });
});

describe('replay', () => {
  it('seeks back 30 s: the 300 records are counted as replayed, not duplicates', () => {
    // At 90 s (before the record of 90.0 s) offsets 0…898 were delivered; the first record at
    // or after 60 s is offset 599: offsets 599…898 are processed again.
    const r = run(scenario({ system: 'replays: [{ group: g, at: 90s, to: { ago: 30s } }]' }));
    const g = group(r);
    expect(g).toMatchObject({ replayed: 300, duplicates: 0, redeliveries: 0, orderingViolations: 0 });
    expect(g.deliveries).toBe(r.summary.produced + 300);
    expect(r.timeline).toContainEqual({ tMs: 90_000, kind: 'replay', subject: 'g', detail: 'seek back 30000 ms' });
  });

  it('seeks to the beginning', () => {
    const g = group(run(scenario({ system: 'replays: [{ group: g, at: 90s, to: beginning }]' })));
    expect(g).toMatchObject({ replayed: 899, duplicates: 0 });
  });
});

describe('lost acks and producer retries', () => {
  // Every ack inside [60 s, 61 s) is lost: the writes of 60.0 … 60.9 s (10 records) landed,
  // and the producer retries each 30 s + 100 ms later, outside the window, where it is acked.
  const system = 'brokerFaults: [{ at: 60s, for: 1s, lostAcks: 1 }]';

  it('without idempotence every retry stores a copy that is processed again', () => {
    const r = run(scenario({ system, producer: ', enableIdempotence: false' }));
    expect(r.summary).toMatchObject({ duplicateAppends: 10, accepted: r.summary.produced });
    expect(r.summary.partitions!['t-0'].records).toBe(r.summary.produced + 10);
    const g = group(r);
    expect(g).toMatchObject({ duplicates: 10, processed: r.summary.produced, backlogAtEnd: 0 });
    expect(r.anomalies.g[0]).toMatchObject({ kind: 'duplicate', messageId: 599, tMs: 90_150 });
  });

  it('with idempotence (the default) the broker drops every copy', () => {
    const r = run(scenario({ system }));
    expect(r.summary).toMatchObject({ duplicateAppends: 0, accepted: r.summary.produced });
    expect(group(r)).toMatchObject({ duplicates: 0, processed: r.summary.produced });
  });
});

describe('partition-count increase', () => {
  // Round-robin over 2 partitions until 60 s, then 3. The counter goes on: message 599 (60.0 s)
  // → t-1, 600 → t-2, 601 → t-0, … so t-2 receives 600, 603 and 606 before the rebalance the
  // increase triggers ends at 61.0 s (rebalanceTime 1 s; it runs before the arrival of 61.0 s).
  const system = 'partitionIncreases: [{ topic: t, at: 60s, partitions: 3 }]';
  const producer = ', partitioner: round-robin';

  it('latest: what landed on the new partition before it was assigned is skipped', () => {
    const r = run(scenario({ partitions: 2, system, producer, consumer: ', autoOffsetReset: latest' }));
    expect(group(r).losses).toEqual({ total: 3, byCause: { 'offset-reset': 3 } });
    expect(r.timeline.map((e) => [e.tMs, e.kind, e.detail])).toEqual([
      [60_000, 'partitions-increased', '3 partitions'],
      [60_000, 'rebalance', 'partitions of t increased to 3'],
      [61_000, 'offset-reset', 'latest: no committed offset → 3'],
      [61_000, 'rebalance-end', 'generation 2, 1000 ms'],
    ]);
    expect(Object.keys(r.summary.partitions!)).toEqual(['t-0', 't-1', 't-2']);
    expect(r.summary.assignments).toEqual({ g: { 'g-000-0': ['t-0', 't-1', 't-2'] } });
  });

  it('earliest: the group reads the new partition from its start', () => {
    const r = run(scenario({ partitions: 2, system, producer, consumer: ', autoOffsetReset: earliest' }));
    expect(group(r)).toMatchObject({ losses: { total: 0, byCause: {} }, processed: r.summary.produced, backlogAtEnd: 0 });
  });

  it('refuses to shrink a topic', () => {
    expect(() => run(scenario({ partitions: 2, system: 'partitionIncreases: [{ topic: t, at: 60s, partitions: 2 }]' })))
      .toThrow('system.partitionIncreases[0].partitions: topic "t" already has 2 partitions then');
  });
});
