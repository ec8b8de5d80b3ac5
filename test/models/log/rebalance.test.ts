/**
 * Eager against cooperative rebalancing on the same crash. Round-robin partitioning sends
 * message k (produced at (k + 1) × 100 ms) to partition k mod 4, so each partition gets a
 * record every 400 ms and a consumer that keeps up has a lag of at most 1.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function scenario(strategy: string, instances: number, partitions: number, fault: string): string {
  return `
name: rebalance-case
duration: 4m
drain: 1m
system:
  type: log
  topics: [{ name: t, partitions: ${partitions} }]
producers:
  - { name: p, rate: 10/s, arrivals: uniform, partitioner: round-robin }
consumers:
  - { group: g, instances: ${instances}, service: const(20ms), partitionAssignmentStrategy: ${strategy} }
faults: [${fault}]
`;
}

describe('a crashed member restarts before its session expires', () => {
  // Instance 1 dies at 60.02 s and restarts at 65.02 s; its new member joins, and the rebalance
  // waits for the dead member until 105 s (45 s after its last heartbeat, at 60 s). Sticky and cooperative-sticky start from the same
  // assignment: instance 0 owns t-0 and t-2, instance 1 owns t-1 and t-3.
  const fault = '{ kind: crash, group: g, instance: 1, at: 60020ms, restartAfter: 5s }';

  it('eager (sticky): the surviving member stops too, for the whole 40 s wait', () => {
    const r = run(scenario('sticky', 2, 4, fault));
    // t-0 gets a record every 400 ms; its committed offset is 163 at 65.02 s and nothing is
    // fetched until the rebalance ends at 105 s (rebalanceTime passed long before): lag 100.
    // Instance 0's first poll then takes t-0 and t-2 (100 records each, 4 s at 20 ms), and
    // t-0 receives 10 more records before that batch is committed: 110.
    expect(r.summary.partitions!['t-0'].maxLag).toBe(110);
    expect(r.timeline.find((e) => e.kind === 'rebalance-end')).toMatchObject({ tMs: 105_000, detail: 'generation 2, 39980 ms' });
    expect(group(r)).toMatchObject({ duplicates: 0, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
  });

  it('cooperative-sticky: the surviving member keeps consuming its partitions', () => {
    const r = run(scenario('cooperative-sticky', 2, 4, fault));
    expect(r.summary.partitions!['t-0'].maxLag).toBe(1);
    expect(r.summary.partitions!['t-2'].maxLag).toBe(1);
    // The dead member's partitions have no owner to revoke them from: one round hands them over.
    expect(r.summary.assignments).toEqual({ g: { 'g-000-0': ['t-0', 't-2'], 'g-001-1': ['t-1', 't-3'] } });
    expect(r.timeline.filter((e) => e.kind === 'rebalance').map((e) => e.detail)).toEqual([
      'g-001-1 joined',
      'g-001-0 session timeout expired',
    ]);
  });
});

describe('cooperative-sticky moves owned partitions in two rounds', () => {
  it('revokes first, assigns in a second round, and never gives a partition two owners', () => {
    // Instance 2 dies at 60.02 s for 100 s: at 105 s (45 s after its last heartbeat, at 60 s)
    // its partitions go to the others
    // (4 + 2 → 3 + 3 for two members). When it comes back at 160.02 s, balance needs one
    // partition from each of the others: they are revoked in round one and handed over in round two.
    const r = run(scenario('cooperative-sticky', 3, 6, '{ kind: crash, group: g, instance: 2, at: 60020ms, restartAfter: 100s }'));
    const rebalances = r.timeline.filter((e) => e.kind === 'rebalance' || e.kind === 'rebalance-end');
    expect(rebalances.map((e) => [e.tMs, e.kind, e.detail])).toEqual([
      [105_000, 'rebalance', 'g-002-0 session timeout expired'],
      [106_000, 'rebalance-end', 'generation 2, 1000 ms'],
      [160_020, 'rebalance', 'g-002-1 joined'],
      [161_020, 'rebalance', 'second round: revoked partitions move'],
      [162_020, 'rebalance-end', 'generation 4, 2000 ms'],
    ]);
    const owned = Object.values(r.summary.assignments!.g).flat().sort();
    expect(owned).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4', 't-5']);
    expect(Object.values(r.summary.assignments!.g).map((tps) => tps.length)).toEqual([2, 2, 2]);
    expect(group(r)).toMatchObject({ duplicates: 0, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
  });
});
