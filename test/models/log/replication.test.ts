/**
 * Replication and leader failover, hand-computed: one partition, records evenly every 1 ms
 * (message k at (k + 1) ms), followers 5 ms behind the leader, crashes noticed after the
 * controller's 9 s broker session timeout.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

interface Case {
  producer?: string;
  topic?: string;
  system: string;
  consumers?: string;
  faults?: string;
}

function scenario(c: Case): string {
  return `
name: replication-case
duration: 3m
drain: 1m
system:
  type: log
  topics: [{ name: t, partitions: 1${c.topic ?? ', replicationFactor: 3'} }]
  ${c.system}
producers:
  - { name: p, rate: 1000/s, arrivals: uniform${c.producer ?? ''} }
consumers:
  - { group: live, service: const(0.5ms) }
  ${c.consumers ?? ''}
faults: [${c.faults ?? ''}]
`;
}

const timeline = (r: ReturnType<typeof run>) => r.timeline.map((e) => [e.tMs, e.kind, e.subject, e.detail ?? '']);

describe('the leader of a 3-replica partition crashes', () => {
  // Broker 0 leads t-0 and dies at 60.0025 s. Followers have every record appended up to
  // 59.9975 s (offsets 0 … 59996); the 5 records of 59.998 … 60.002 s are only on the leader.
  // At 69.0025 s the controller notices, broker 1 (first live in-sync replica) leads, and the
  // log is cut back to offset 59997.
  const system = 'brokerCrashes: [{ broker: 0, at: 60002.5ms }]';

  it('acks=1 loses exactly the 5 acknowledged records the followers did not have', () => {
    const r = run(scenario({ producer: ', acks: 1', system }));
    const g = group(r);
    expect(g.losses).toEqual({ total: 5, byCause: { 'leader-failover': 5 } });
    expect(r.anomalies.live[0]).toMatchObject({ kind: 'loss', messageId: 59_997 });
    expect(r.summary).toMatchObject({ accepted: r.summary.produced, rejected: 0 });
    expect(g.processed).toBe(r.summary.produced - 5);
    expect(timeline(r)).toEqual([
      [60_002.5, 'broker-crash', 'broker-0', ''],
      [69_002.5, 'broker-fenced', 'broker-0', 'controller session expired'],
      [69_002.5, 'isr-shrink', 't-0', 'broker-0 out of sync'],
      [69_002.5, 'leader-election', 't-0', 'broker-0 → broker-1, 5 records cut'],
    ]);
    expect(r.summary.partitions!['t-0']).toMatchObject({ leader: 1, isr: [1, 2], records: r.summary.produced - 5 });
  });

  it('acks=all loses nothing: the 5 were never acknowledged, so the producer sends them again', () => {
    for (const producer of ['', ', enableIdempotence: false']) {
      const r = run(scenario({ producer, system }));
      const g = group(r);
      expect(g).toMatchObject({ processed: r.summary.produced, duplicates: 0, losses: { total: 0, byCause: {} } });
      expect(r.summary).toMatchObject({ accepted: r.summary.produced, duplicateAppends: 0 });
      // Nothing is read while the partition has no leader: the records wait for the election.
      expect(g.queueWaitMs.max).toBeGreaterThan(69_002.5 - 60_002.5);
    }
  });

  it('the returning broker catches up and rejoins the ISR', () => {
    const r = run(scenario({ system: 'brokerCrashes: [{ broker: 0, at: 60002.5ms, for: 20s }]' }));
    expect(timeline(r).slice(-2)).toEqual([
      [80_002.5, 'broker-restart', 'broker-0', ''],
      [80_007.5, 'isr-expand', 't-0', 'broker-0 back in sync'],
    ]);
    expect(r.summary.partitions!['t-0']).toMatchObject({ leader: 1, isr: [0, 1, 2] });
  });

  it('a leader back before the controller notices leads on with its whole log', () => {
    const r = run(scenario({ producer: ', acks: 1', system: 'brokerCrashes: [{ broker: 0, at: 60002.5ms, for: 2s }]' }));
    expect(group(r).losses.total).toBe(0);
    expect(r.timeline.map((e) => e.kind)).toEqual(['broker-crash', 'broker-restart']);
  });
});

describe('the ISR shrinks to the leader, then the leader dies (Jepsen 2013)', () => {
  // Two brokers. Follower broker 1 dies at 60 s (out of the ISR at 69 s) and returns at 120 s;
  // leader broker 0 dies at 100 s for good. The `batch` group is down from 30 s to 150 s.
  const system = (unclean: boolean) => `brokers: 2
  uncleanLeaderElection: ${unclean}
  brokerCrashes: [{ broker: 1, at: 60s, for: 60s }, { broker: 0, at: 100s }]`;
  const consumers = '- { group: batch, service: const(0.5ms) }';
  const faults = '{ kind: crash, group: batch, at: 30s, restartAfter: 2m }';
  const topic = (minIsr: number) => `, replicationFactor: 2, minInsyncReplicas: ${minIsr}`;

  it('unclean election off (the default): the partition stays offline, nothing acknowledged is lost', () => {
    const r = run(scenario({ topic: topic(1), system: system(false), consumers, faults }));
    expect(group(r, 'batch').losses.total).toBe(0);
    expect(r.timeline).toContainEqual({ tMs: 109_000, kind: 'partition-offline', subject: 't-0', detail: 'no live in-sync replica (unclean election off)' });
    expect(r.summary.partitions!['t-0']).toMatchObject({ leader: null, isr: [0] });
    // What was produced from 100 s on never lands: the producer gives up after 2 minutes.
    expect(r.summary.rejectedByCause['delivery-timeout']).toBeGreaterThan(0);
  });

  it('min.insync.replicas 1 with unclean election: the acks=all records since 60 s are lost', () => {
    // Broker 1 has offsets 0 … 59994 (appended by 59.995 s). Broker 0 acknowledged everything
    // up to 100 s once it was alone in the ISR: 40005 acknowledged records are cut. The live
    // group had processed them; the batch group never will.
    const r = run(scenario({ topic: topic(1), system: system(true), consumers, faults }));
    expect(r.timeline).toContainEqual({ tMs: 120_000, kind: 'leader-election', subject: 't-0', detail: 'none → broker-1 (unclean), 40005 records cut' });
    expect(group(r, 'batch').losses).toEqual({ total: 40_005, byCause: { 'unclean-leader-election': 40_005 } });
    expect(group(r, 'live').losses.total).toBe(0);
  });

  it('min.insync.replicas 2 with unclean election: no acknowledged record is lost', () => {
    // From 69 s the ISR is too small: acks=all writes fail, so nothing more is acknowledged.
    const r = run(scenario({ topic: topic(2), system: system(true), consumers, faults }));
    expect(group(r, 'batch').losses.total).toBe(0);
    expect(group(r, 'live').losses.total).toBe(0);
    expect(r.summary.rejectedByCause['delivery-timeout']).toBeGreaterThan(0);
  });
});

describe('replication factor 1', () => {
  it('a crashed broker takes its partitions offline until it returns, losing nothing', () => {
    const r = run(scenario({ topic: '', producer: ', acks: 1', system: 'brokerCrashes: [{ broker: 0, at: 60s, for: 30s }]' }));
    const g = group(r);
    expect(g).toMatchObject({ processed: r.summary.produced, losses: { total: 0, byCause: {} } });
    expect(r.summary.partitions!['t-0']).toMatchObject({ leader: 0, isr: [0] });
    expect(g.queueWaitMs.max).toBeGreaterThanOrEqual(30_000 - 1);
  });
});

describe('lag while a dead follower holds the high watermark back', () => {
  it('counts from the log end: the records the consumer may not read yet are waiting', () => {
    // Follower broker 1 dies at 60 s (its crash runs before that instant's fetch), having
    // fetched offsets 0 … 59993 (appended by 59.994 s): the high watermark stays at 59994
    // until the controller drops it from the ISR at 69 s. The consumer has read everything
    // below it, so the lag is the log end − 59994; a sample runs before the arrival of its
    // own instant (log end 62999 at 63 s). Before the crash only the records of the last 5 ms
    // wait for the followers. After 69 s the backlog drains.
    const r = run(`
name: stalled-high-watermark
duration: 2m
drain: 1m
system:
  type: log
  brokers: 2
  topics: [{ name: t, partitions: 1, replicationFactor: 2 }]
  brokerCrashes: [{ broker: 1, at: 60s }]
producers: [{ name: p, rate: 1000/s, arrivals: uniform, acks: 1 }]
consumers: [{ group: g, service: const(0.5ms), commitEvery: record }]
report: { sampleEvery: 3s }
`);
    const tMs = r.series.tMs as number[];
    const lag = (r.series.lag as Record<string, number[]>).g;
    const at = (t: number) => lag[tMs.indexOf(t)];
    expect([at(57_000), at(63_000), at(66_000), at(69_000)]).toEqual([5, 3005, 6005, 9005]);
    // The arrival of 69.0 s lands before the first record of the backlog is processed.
    expect(group(r)).toMatchObject({ maxLag: 9006, backlogAtEnd: 0, losses: { total: 0, byCause: {} } });
  });
});
