/**
 * Random combinations of the log's failure modes (broker crashes and flaky windows, acks,
 * idempotence, in-flight limits, unclean election, consumer crashes and clean leaves, poison
 * records, retention), each run checked against bookkeeping that must always hold.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers.js';

/** A small LCG: the cases are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function randomScenario(random: () => number): string {
  const pick = <T>(options: T[]): T => options[Math.floor(random() * options.length)];
  const brokers = pick([1, 2, 3]);
  const rf = Math.min(brokers, pick([1, 2, 3]));
  const acks = pick(['0', '1', 'all']);
  const crashes = Array.from({ length: pick([0, 1, 2, 3]) }, () =>
    `{ broker: ${Math.floor(random() * brokers)}, at: ${Math.floor(random() * 100)}s${random() < 0.7 ? `, for: ${1 + Math.floor(random() * 40)}s` : ''} }`);
  const flaky = random() < 0.5
    ? `brokerFaults: [{ at: ${Math.floor(random() * 80)}s, for: 10s, lostAcks: ${random().toFixed(2)}, failedWrites: ${random().toFixed(2)} }]`
    : '';
  const delivery = pick(['at-least-once', 'at-most-once', 'effectively-once']);
  const faults = [
    random() < 0.5 ? `{ kind: crash, group: g, instance: 0, at: ${Math.floor(random() * 100)}s, restartAfter: 5s }` : '',
    random() < 0.5 ? `{ kind: leave, group: g, instance: 1, at: ${Math.floor(random() * 100)}s, restartAfter: 5s }` : '',
    random() < 0.3 ? '{ kind: poison, every: 997, failures: 2 }' : '',
  ].filter((f) => f !== '');
  return `
name: invariants
duration: 2m
drain: 1m
system:
  type: log
  brokers: ${brokers}
  uncleanLeaderElection: ${pick([true, false])}
  topics: [{ name: t, partitions: ${pick([1, 3, 4])}, replicationFactor: ${rf}, minInsyncReplicas: ${Math.min(rf, pick([1, 2]))}, retention: ${pick(['7d', '40s'])}, segmentRoll: 10s }]
  retentionCheckInterval: 20s
  brokerCrashes: [${crashes.join(', ')}]
  ${flaky}
producers:
  - { name: p, rate: ${pick([50, 300])}/s, keys: { count: 50 }, acks: ${acks}${acks === 'all' ? pick(['', ', enableIdempotence: false']) : ''}${pick(['', ', maxInFlight: 1'])}, deliveryTimeout: 40s, requestTimeout: 5s }
consumers:
  - { group: g, instances: 3, service: exp(2ms), delivery: ${delivery}${delivery !== 'at-most-once' && random() < 0.3 ? ', enableAutoCommit: true' : ''} }
  - { group: h, service: exp(1ms) }
faults: [${faults.join(', ')}]
`;
}

describe('log bookkeeping under random failures', () => {
  const random = lcg(2026);
  const cases = Array.from({ length: 24 }, (_, i) => ({ i, yaml: randomScenario(random) }));

  it.each(cases)('case $i', ({ i, yaml }) => {
    const r = run(yaml, i);
    const s = r.summary;
    expect(s.accepted + s.rejected).toBeLessThanOrEqual(s.produced);
    const allOnline = Object.values(s.partitions!).every((p) => p.leader !== null);
    for (const g of Object.values(s.groups)) {
      expect(g.backlogAtEnd).toBeGreaterThanOrEqual(0);
      expect(g.processed).toBeLessThanOrEqual(s.produced);
      // Every acknowledged record is processed, lost (with a cause) or still waiting: none vanish.
      if (allOnline) expect(g.processed + g.losses.total + g.backlogAtEnd).toBeGreaterThanOrEqual(s.accepted);
    }
    expect(JSON.stringify(run(yaml, i))).toBe(JSON.stringify(r));
  });
});
