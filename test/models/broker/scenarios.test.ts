/** The built-in broker scenarios: every expectation passes (test/golden/ pins their bytes). */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../../src/scenarios/load.js';
import { runScenario } from '../../../src/scenarios/run.js';
import { renderSummary } from '../../../src/report/summary.js';

const BROKER_SCENARIOS = [
  'broker-crash-before-ack',
  'broker-poison-message',
  'broker-ttl-spike',
  'broker-overflow',
  'broker-topic-fanout',
  'broker-prefetch-tuning',
  'broker-consumer-timeout',
];

const file = (name: string): string => join(__dirname, '..', '..', '..', 'scenarios', `${name}.yaml`);

describe('built-in broker scenarios', () => {
  for (const name of BROKER_SCENARIOS) {
    it(`${name}: its expectations pass`, () => {
      const a = runScenario(loadScenario(file(name)));
      expect(a.expectations.length).toBeGreaterThan(0);
      expect(a.expectations.filter((e) => !e.pass)).toEqual([]);
      expect(a.description.length).toBeGreaterThan(0);
      expect(readFileSync(file(name), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/scenario\.schema\.json\n/);
    });
  }

  it('the result carries per-consumer deliveries and the broker charts', () => {
    const r = runScenario(loadScenario(file('broker-prefetch-tuning')));
    const consumers = r.broker!.consumers;
    // The slow consumer (instance 1) gets more with prefetch 50 than with prefetch 1.
    expect(consumers['prefetch-50/1'].deliveries).toBeGreaterThan(consumers['prefetch-1/1'].deliveries);
    expect(r.charts?.map((c) => c.name)).toEqual(['redeliveries']);
    expect(Object.keys(r.series.ready as object)).toEqual(['prefetch-1', 'prefetch-50']);
    const text = renderSummary(r, { color: false });
    expect(text).toMatch(/prefetch-50\/1 +│? *prefetch-50 +│? *[\d,]+ +│? *0/);
  });

  it('dead letters by reason are a cumulative series, without reasons that never happened', () => {
    const r = runScenario(loadScenario(file('broker-ttl-spike')));
    const dead = r.series.deadLettered as Record<string, number[]>;
    expect(Object.keys(dead)).toEqual(['checkout expired']);
    expect(r.charts?.map((c) => c.name)).toEqual(['redeliveries', 'dead-letters']);
    const values = dead['checkout expired'];
    expect(values[values.length - 1]).toBe(r.summary.groups.checkout.deadLettered);
  });
});

describe('the model and the ledger agree', () => {
  // At every sample the ledger's lag of a queue's group (accepted, not yet acked, dead-lettered
  // or dropped) must equal the queue's own ready + unacked count: a message the model lost
  // track of, or a fact reported twice, breaks the equality.
  const agree = (r: ReturnType<typeof runScenario>, queues: Record<string, string>): void => {
    const lag = r.series.lag as Record<string, number[]>;
    const ready = r.series.ready as Record<string, number[]>;
    const unacked = r.series.unacked as Record<string, number[]>;
    for (const [g, q] of Object.entries(queues)) {
      const model = ready[q].map((n, i) => n + unacked[q][i]);
      expect(lag[g]).toEqual(model);
    }
  };

  for (const name of BROKER_SCENARIOS) {
    it(`${name}: lag == ready + unacked at every sample`, () => {
      const r = runScenario(loadScenario(file(name)));
      const queues = Object.fromEntries(Object.values(r.broker!.consumers).map((c) => [c.queue, c.queue]));
      // Consumer groups are named after their queues in the built-ins, except recovery.
      if (name === 'broker-ttl-spike') agree(r, { checkout: 'checkout', recovery: 'expired-orders' });
      else agree(r, queues);
    });
  }

  it('a stress mix: crashes, silent connection loss, poison, TTL, drop-head, quorum limits', () => {
    const r = runScenario(parseScenario(`
name: stress
seed: 21
duration: 3m
drain: 3m
system:
  type: broker
  exchanges: [{ name: in, type: topic }, { name: dlx, type: fanout }]
  queues:
    - { name: a, bindings: [{ exchange: in, routingKey: "#" }], messageTtl: 2s, maxLength: 300, deadLetterExchange: dlx }
    - { name: b, queueType: quorum, deliveryLimit: 3, bindings: [{ exchange: in, routingKey: "k.*" }], deadLetterExchange: dlx }
    - { name: dead, bindings: [{ exchange: dlx }], maxLength: 500 }
producers:
  - { name: p, rate: 300/s, exchange: in, routingKey: "k.{key}", keys: { count: 50 }, phases: [{ at: 30s, duration: 20s, spike: 4x }] }
consumers:
  - { group: a, instances: 3, prefetch: 20, service: exp(8ms), onError: reject }
  - { group: b, instances: 3, prefetch: 5, service: exp(8ms), connectionLoss: silent }
  - { group: dead, prefetch: 0, service: exp(3ms), onError: requeue }
faults:
  - { kind: poison, probability: 0.01 }
  - { kind: crash, group: a, instance: all, at: 20s, point: after-process-before-ack, restartAfter: 5s, every: 40s }
  - { kind: crash, group: b, instance: 1, at: 10s, restartAfter: 30s, every: 50s }
  - { kind: crash, group: dead, at: 45s, point: mid-process, restartAfter: 2s, every: 30s }
`, 'stress.yaml'));
    agree(r, { a: 'a', b: 'b' });
    // `dead` takes copies of the same message from a and from b: the ledger counts a message
    // once per group, the queue counts copies, so its lag is at most ready + unacked and never
    // negative. Poison messages (1%, in every group) loop in `dead` forever (classic requeue).
    const lag = (r.series.lag as Record<string, number[]>).dead;
    const held = (r.series.ready as Record<string, number[]>).dead.map(
      (n, i) => n + (r.series.unacked as Record<string, number[]>).dead[i],
    );
    expect(lag.every((v, i) => v >= 0 && v <= held[i])).toBe(true);
    expect(r.summary.groups.dead.backlogAtEnd).toBe(lag[lag.length - 1]);
    expect(r.summary.groups.dead.backlogAtEnd).toBeGreaterThan(0);
    const { a, b } = r.summary.groups;
    expect(a.deadLetteredByReason).toMatchObject({ rejected: expect.any(Number), expired: expect.any(Number) });
    expect(b.deadLetteredByReason.delivery_limit).toBeGreaterThan(0);
    expect(r.summary.groups.b.redeliveries).toBeGreaterThan(0);
  });
});
