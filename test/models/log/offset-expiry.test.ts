/**
 * Committed offsets expire once a group has been empty for offsets.retention
 * (docs/semantics.md, log): records every 100 ms (message k at (k + 1) × 100 ms), 1 ms each, one
 * instance that dies at 60.02 s (idle; offsets 0 … 599 processed and committed) and comes
 * back at 2 h 0.02 s.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function scenario(system: string, consumer = ''): string {
  return `
name: offset-expiry
duration: 2h5m
drain: 5m
system:
  type: log
  topics: [{ name: t, partitions: 1 }]
  ${system}
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, service: const(1ms)${consumer} }]
faults: [{ kind: crash, group: g, at: 60020ms, restartAfter: 7140s }]
`;
}

describe('committed offsets of an empty group', () => {
  // The dead member leaves at its session timeout, 45 s after its last heartbeat (60 s): at
  // 105 s the group is empty. With a 1 h retention the offsets go at the first 10-minute check
  // after 3705 s: 4200 s.
  const system = 'offsetsRetention: 1h';

  it('expire, and latest then skips everything written while the group was away', () => {
    const r = run(scenario(system));
    expect(r.timeline.find((e) => e.kind === 'offsets-expired')).toMatchObject({ tMs: 4_200_000, subject: 'g' });
    // The instance rejoins the empty group at 7200.02 s; it waits the initial rebalance delay
    // (3 s), the rebalance takes 1 s more, and at 7204.02 s the log end is 72040 (records up to
    // 7204.0 s): offsets 600 … 72039 are skipped.
    expect(r.timeline.find((e) => e.kind === 'offset-reset')).toMatchObject({ tMs: 7_204_020, detail: 'latest: no committed offset → 72040' });
    expect(group(r).losses).toEqual({ total: 71_440, byCause: { 'offset-reset': 71_440 } });
  });

  it('expire, and earliest then processes the whole log again', () => {
    const g = group(run(scenario(system, ', autoOffsetReset: earliest')));
    expect(g).toMatchObject({ duplicates: 600, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
  });

  it('stay within the retention (Kafka default 7 days): the group resumes where it was', () => {
    const r = run(scenario(''));
    expect(r.timeline.some((e) => e.kind === 'offsets-expired')).toBe(false);
    expect(group(r)).toMatchObject({ duplicates: 0, losses: { total: 0, byCause: {} }, backlogAtEnd: 0 });
  });
});
