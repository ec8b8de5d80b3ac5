/**
 * TTL and length limits, exact: evenly spaced arrivals and a consumer group that is down for
 * the whole run (crashed at 0 ms, never restarted), so nothing leaves the queue but by expiry
 * or overflow.
 */
import { describe, expect, it } from 'vitest';
import { group } from '../../helpers.js';
import { ids, runRecorded } from './helpers.js';

function scenario(opts: {
  queue: string;
  producer?: string;
  duration?: string;
  name?: string;
  rate?: string;
  extraProducer?: string;
}): string {
  return `
name: limits
duration: ${opts.duration ?? '1001ms'}
drain: 10s
system:
  type: broker
  exchanges: [{ name: dlx, type: fanout }]
  queues:
    - ${opts.queue}
    - { name: dlq, bindings: [{ exchange: dlx }] }
producers:
  - { name: ${opts.name ?? 'p'}, rate: ${opts.rate ?? '10/s'}, arrivals: uniform, routingKey: work${opts.producer ?? ''} }
  ${opts.extraProducer ?? ''}
consumers:
  - { group: work, service: const(1ms) }
  - { group: dlq, service: const(1ms) }
faults:
  - { kind: crash, group: work, at: 0ms }
`;
}

describe('TTL', () => {
  it('200 ms with nobody consuming: every message dead-lettered, reason expired, at its deadline', () => {
    const { result, deliveries } = runRecorded(scenario({ queue: '{ name: work, messageTtl: 200ms, deadLetterExchange: dlx }' }));
    const dlq = deliveries.filter((d) => d.group === 'dlq');
    // Messages at 100, 200, … 1000 ms reach the DLQ 200 ms later, in order.
    expect(dlq.map((d) => [d.id, d.tMs])).toEqual(ids(0, 9).map((i) => [i, (i + 1) * 100 + 200]));
    const g = group(result, 'work');
    expect(g).toMatchObject({ deadLettered: 10, deadLetteredByReason: { expired: 10 }, backlogAtEnd: 0 });
    expect(g.losses.total).toBe(0);
  });

  it('without a DLX, expired messages are losses with cause expired', () => {
    const { result } = runRecorded(scenario({ queue: '{ name: work, messageTtl: 200ms }' }));
    expect(group(result, 'work').losses).toEqual({ total: 10, byCause: { expired: 10 } });
  });

  it('per-message expiration and queue TTL: the lower wins', () => {
    const run = (queueTtl: string, expiration: string) =>
      runRecorded(scenario({
        queue: `{ name: work, messageTtl: ${queueTtl}, deadLetterExchange: dlx }`,
        producer: `, expiration: ${expiration}`,
      })).deliveries.filter((d) => d.group === 'dlq')[0].tMs;
    expect(run('500ms', '50ms')).toBe(150);
    expect(run('50ms', '500ms')).toBe(150);
  });

  it('expiry happens only at the head: a short TTL waits behind a long one', () => {
    // At 1000 ms `long` (expiration 3 s) publishes id 0, then `short` (100 ms) id 1. The short
    // one is expired from 1100 ms but leaves only when it reaches the head, at 4000 ms.
    const { deliveries } = runRecorded(scenario({
      queue: '{ name: work, deadLetterExchange: dlx }',
      duration: '1500ms',
      name: 'long',
      rate: '1/s',
      producer: ', expiration: 3s',
      extraProducer: '- { name: short, rate: 1/s, arrivals: uniform, routingKey: work, expiration: 100ms }',
    }));
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => [d.id, d.tMs])).toEqual([[0, 4000], [1, 4000]]);
  });
});

describe('TTL 0 (same-instant race)', () => {
  it('a message is delivered if a consumer can take it at once, else it expires', () => {
    // 10 messages every 100 ms, a 50 ms handler with prefetch 1: the consumer is always free
    // at the publish instant, so every message is delivered at its deadline instant. With a
    // 150 ms handler every other message finds it busy and expires at once.
    const yaml = (service: string) => `
name: ttl0
duration: 1001ms
drain: 1s
system: { type: broker, queues: [{ name: work, messageTtl: 0ms }] }
producers: [{ name: p, rate: 10/s, arrivals: uniform, routingKey: work }]
consumers: [{ group: work, prefetch: 1, service: const(${service}) }]
`;
    expect(group(runRecorded(yaml('50ms')).result, 'work')).toMatchObject({ processed: 10, losses: { total: 0 } });
    const busy = group(runRecorded(yaml('150ms')).result, 'work');
    expect(busy).toMatchObject({ processed: 5, losses: { total: 5, byCause: { expired: 5 } } });
  });
});

describe('length limits under a spike (10 messages, limit 5)', () => {
  const queue = (extra: string) => `{ name: work, maxLength: 5, ${extra} }`;

  it('drop-head: the 5 oldest are dropped (maxlen), all 10 publishes accepted', () => {
    const { result } = runRecorded(scenario({ queue: queue('overflow: drop-head') }));
    expect(result.summary).toMatchObject({ accepted: 10, rejected: 0 });
    const g = group(result, 'work');
    expect(g.losses).toEqual({ total: 5, byCause: { maxlen: 5 } });
    expect(g.backlogAtEnd).toBe(5);
    expect(result.anomalies.work.map((a) => a.messageId)).toEqual(ids(0, 4));
  });

  it('drop-head with a DLX: the 5 oldest are dead-lettered, reason maxlen', () => {
    const { result, deliveries } = runRecorded(scenario({ queue: queue('deadLetterExchange: dlx') }));
    expect(group(result, 'work').deadLetteredByReason).toEqual({ maxlen: 5 });
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => d.id)).toEqual(ids(0, 4));
  });

  it('reject-publish: the 5 newest publishes are refused', () => {
    const { result } = runRecorded(scenario({ queue: queue('overflow: reject-publish') }));
    expect(result.summary).toMatchObject({ accepted: 5, rejected: 5, rejectedByCause: { 'reject-publish': 5 } });
    const g = group(result, 'work');
    expect(g.losses.total).toBe(0);
    expect(g.backlogAtEnd).toBe(5);
  });

  it('reject-publish-dlx: refused and dead-lettered', () => {
    const { result, deliveries } = runRecorded(scenario({ queue: queue('overflow: reject-publish-dlx, deadLetterExchange: dlx') }));
    expect(result.summary).toMatchObject({ accepted: 5, rejected: 5 });
    expect(group(result, 'work').deadLetteredByReason).toEqual({ maxlen: 5 });
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => d.id)).toEqual(ids(5, 9));
  });

  it('reject-publish-dlx without a DLX: only the rejection, no loss', () => {
    const { result } = runRecorded(scenario({ queue: queue('overflow: reject-publish-dlx') }));
    expect(result.summary).toMatchObject({ accepted: 5, rejected: 5 });
    expect(group(result, 'work').losses.total).toBe(0);
  });

  it('maxLengthBytes counts bodies: 3 KB holds three 1 KB messages', () => {
    const { result } = runRecorded(scenario({ queue: '{ name: work, maxLengthBytes: 3KB }' }));
    expect(group(result, 'work').losses).toEqual({ total: 7, byCause: { maxlen: 7 } });
    const refused = runRecorded(scenario({ queue: '{ name: work, maxLengthBytes: 3KB, overflow: reject-publish }' }));
    expect(refused.result.summary).toMatchObject({ accepted: 3, rejected: 7 });
  });

  it('with several target queues, a refusal rejects the publish but the others keep their copy', () => {
    const yaml = scenario({ queue: queue('overflow: reject-publish, bindings: [{ exchange: dlx }]') })
      .replace('routingKey: work', 'exchange: dlx');
    const { result } = runRecorded(yaml);
    expect(result.summary).toMatchObject({ accepted: 5, rejected: 5 });
    expect(group(result, 'dlq').processed).toBe(10);
  });
});
