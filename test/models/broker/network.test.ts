/**
 * The broker's `network`: a delivery reaches the consumer half a round trip after the push,
 * and its ack reaches the broker half a round trip after it is sent; only then does prefetch 1
 * let the broker push the next one (docs/semantics.md, "Consumers on every system").
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';

function split(network: string) {
  const r = run(`
name: split
duration: 1s
system: { type: broker, queues: [{ name: g }], network: ${network} }
producers: [{ name: p, rate: 0/s, backlog: 10000, routingKey: g }]
consumers: [{ group: g, instances: 2, speed: [10, 1], service: "const(10ms)", prefetch: 1 }]
`);
  const consumers = (r.broker as { consumers: Record<string, { deliveries: number }> }).consumers;
  return { processed: group(r).processed, fast: consumers['g/0'].deliveries, slow: consumers['g/1'].deliveries };
}

describe('prefetch 1 with a fast (1 ms) and a slow (10 ms) consumer, over 1 s', () => {
  it('without a network the split follows the service times: 1001 to 101', () => {
    // The broker pushes the next message the instant the ack is sent: to the fast one at
    // 0, 1, …, 1000 ms (1001 pushes), to the slow one at 0, 10, …, 1000 ms (101).
    expect(split('0')).toEqual({ processed: 1100, fast: 1001, slow: 101 });
  });

  it('with a 1.3 ms round trip each cycle adds 1.3 ms: 435 to 89', () => {
    // A push lands 0.65 ms later; the ack reaches the broker 0.65 ms after the handler ends,
    // and the next push goes out then. Cycles: 1 + 1.3 = 2.3 ms and 10 + 1.3 = 11.3 ms.
    // Pushes at 2.3k ≤ 1000 ms: k ≤ 434.8, 435 of them; at 11.3j ≤ 1000: j ≤ 88.5, 89.
    // Processed: handlers end at 0.65 + 2.3k + 1 ≤ 1000 (k ≤ 434.1: 435) and
    // 0.65 + 11.3j + 10 ≤ 1000 (j ≤ 87.6: 88), 523 in all.
    // The fast consumer's share of the pushes falls from 90.8% (1001/1102) to 83.0% (435/524).
    expect(split('1.3ms')).toEqual({ processed: 523, fast: 435, slow: 89 });
  });

  it('a distribution is accepted and drawn per message', () => {
    const { processed } = split('exp(1.3ms)');
    // Exponential round trips with the same mean: fewer than with none, not the fixed count.
    expect(processed).toBeLessThan(1100);
    expect(processed).toBeGreaterThan(400);
  });
});

describe('a crash over a network', () => {
  it('requeues what was on the wire and loses nothing under at-least-once', () => {
    const r = run(`
name: crash
duration: 2s
system: { type: broker, queues: [{ name: g }], network: 1.3ms }
producers: [{ name: p, rate: 0/s, backlog: 200, routingKey: g }]
consumers: [{ group: g, instances: 2, service: "const(3ms)", prefetch: 5 }]
faults: [{ kind: crash, group: g, instance: 0, at: 100ms, restartAfter: 50ms }]
`);
    const g = group(r);
    expect(g.processed).toBe(200);
    expect(g.losses.total).toBe(0);
    expect(g.redeliveries).toBeGreaterThan(0);
    expect(g.backlogAtEnd).toBe(0);
  });
});
