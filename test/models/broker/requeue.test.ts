/**
 * Nack and reject, with and without requeue, through the poison fault and `onError`; the
 * requeue position of classic and quorum queues; the quorum delivery limit; dead letters.
 * 10 messages at 1, 2, … 10 ms and a 10 ms handler: the consumer is always behind, so the
 * whole queue is ready behind the message in hand.
 */
import { describe, expect, it } from 'vitest';
import { group } from '../../helpers.js';
import { ids, runRecorded } from './helpers.js';

function scenario(queue: string, poison: string, onError = 'requeue', prefetch = 1, version = ''): string {
  return `
name: requeue
duration: 11ms
drain: 1m
system:
  type: broker${version === '' ? '' : `\n  version: "${version}"`}
  exchanges: [{ name: dlx, type: fanout }]
  queues:
    - ${queue}
    - { name: dlq, bindings: [{ exchange: dlx }] }
producers: [{ name: p, rate: 1000/s, arrivals: uniform, routingKey: work }]
consumers:
  - { group: work, prefetch: ${prefetch}, service: const(10ms), onError: ${onError} }
  - { group: dlq, service: const(1ms) }
faults:
  - { kind: poison, group: work, ${poison} }
`;
}

const order = (yaml: string, g = 'work') =>
  runRecorded(yaml).deliveries.filter((d) => d.group === g).map((d) => [d.id, d.attempt]);

describe('nack with requeue', () => {
  it('classic queue, prefetch 1: message 0 goes back to its place and is redelivered first', () => {
    const yaml = scenario('{ name: work }', 'ids: [0], failures: 1');
    expect(order(yaml)).toEqual([[0, 1], [0, 2], ...ids(1, 9).map((i) => [i, 1])]);
    const g = group(runRecorded(yaml).result, 'work');
    expect(g).toMatchObject({ deliveries: 11, redeliveries: 1, failures: 1, processed: 10, duplicates: 0 });
  });

  it('classic queue, prefetch 3: the requeued message is back in its original position', () => {
    // The consumer holds 0, 1, 2; 0 fails at 11 ms and is requeued ahead of 3 (after the
    // held 1 and 2, which are not in the queue), so it is the next one pushed.
    const yaml = scenario('{ name: work }', 'ids: [0], failures: 1', 'requeue', 3);
    const seen = order(yaml);
    expect(seen.slice(0, 4)).toEqual([[0, 1], [1, 1], [2, 1], [0, 2]]);
  });

  it('quorum queue with delivery limit -1: the message goes to the back', () => {
    const yaml = scenario('{ name: work, queueType: quorum, deliveryLimit: -1 }', 'ids: [0], failures: 1');
    expect(order(yaml)).toEqual([[0, 1], ...ids(1, 9).map((i) => [i, 1]), [0, 2]]);
  });

  it('quorum queue with a delivery limit: back near the head', () => {
    const yaml = scenario('{ name: work, queueType: quorum }', 'ids: [0], failures: 1');
    expect(order(yaml)).toEqual([[0, 1], [0, 2], ...ids(1, 9).map((i) => [i, 1])]);
  });
});

describe('system.version decides the quorum-queue defaults', () => {
  it('3.13: no delivery limit by default, and a returned message goes to the back', () => {
    const requeued = scenario('{ name: work, queueType: quorum }', 'ids: [0], failures: 1', 'requeue', 1, '3.13');
    expect(order(requeued)).toEqual([[0, 1], ...ids(1, 9).map((i) => [i, 1]), [0, 2]]);
    // A message that always fails is never dead-lettered: back of the queue each time, 10 ms
    // attempts for the whole minute (the other nine are done by 100 ms).
    const { result } = runRecorded(scenario('{ name: work, queueType: quorum, deadLetterExchange: dlx }', 'ids: [0]', 'requeue', 1, '3.13'));
    expect(group(result, 'work')).toMatchObject({ deadLettered: 0, processed: 9 });
  });

  it('3.13 with a limit set: dead-lettered after it, but returns still go to the back', () => {
    const yaml = scenario('{ name: work, queueType: quorum, deliveryLimit: 2, deadLetterExchange: dlx }', 'ids: [0]', 'requeue', 1, '3.13');
    expect(order(yaml).slice(0, 11)).toEqual([[0, 1], ...ids(1, 9).map((i) => [i, 1]), [0, 2]]);
    expect(group(runRecorded(yaml).result, 'work')).toMatchObject({ failures: 3, deadLetteredByReason: { delivery_limit: 1 } });
  });

  it('4.2 (the default) and 4.0: limit 20, returns near the head', () => {
    const yaml = scenario('{ name: work, queueType: quorum, deadLetterExchange: dlx }', 'ids: [0]', 'requeue', 1, '4.0');
    expect(group(runRecorded(yaml).result, 'work')).toMatchObject({ failures: 21, deadLetteredByReason: { delivery_limit: 1 } });
  });

  it('refuses a version it does not model', () => {
    expect(() => runRecorded(scenario('{ name: work }', 'ids: [0]', 'requeue', 1, '2.8'))).toThrow(
      /system\.version: expected a RabbitMQ 3\.x or 4\.x version, like "3\.13" or "4\.2"/);
  });
});

describe('reject without requeue', () => {
  it('with a DLX: exactly the rejected messages reach the DLQ, reason rejected', () => {
    const yaml = scenario('{ name: work, deadLetterExchange: dlx }', 'ids: [2, 5, 7]', 'reject');
    const { result, deliveries } = runRecorded(yaml);
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => d.id)).toEqual([2, 5, 7]);
    const g = group(result, 'work');
    expect(g).toMatchObject({ processed: 7, deadLettered: 3, deadLetteredByReason: { rejected: 3 }, redeliveries: 0 });
    expect(g.losses.total).toBe(0);
    expect(group(result, 'dlq').processed).toBe(3);
  });

  it('each dead letter carries its x-death record: source queue, reason, count', () => {
    // Message k is handled from 1 + 10k ms for 10 ms: 2, 5 and 7 are rejected at 31, 61, 81 ms.
    const { result } = runRecorded(scenario('{ name: work, deadLetterExchange: dlx }', 'ids: [2, 5, 7]', 'reject'));
    expect(result.broker!.deadLetters).toEqual([2, 5, 7].map((id, i) => ({
      tMs: [31, 61, 81][i], messageId: id, queue: 'work', reason: 'rejected', count: 1,
    })));
    expect(result.broker!.deadLettersOmitted).toBe(0);
  });

  it('a message dead-lettered back into its own queue counts its deaths there', () => {
    // The DLX is the default exchange with the queue's own name: a rejected message goes to the
    // back of "work". Message 0 always fails: rejected at 11 ms (count 1), handled again after
    // messages 1…9 (11 … 101 ms), rejected at 111 ms (count 2), then every 10 ms (count 3 at
    // 121 ms, …) until the run ends at 60.011 s: 2 + 5990 = 5992 deaths, the first 1,000 listed.
    const queue = '{ name: work, deadLetterExchange: "", deadLetterRoutingKey: work }';
    const { result } = runRecorded(scenario(queue, 'ids: [0]', 'reject'));
    const deaths = result.broker!.deadLetters;
    expect(deaths.slice(0, 3).map((d) => [d.tMs, d.messageId, d.queue, d.reason, d.count])).toEqual([
      [11, 0, 'work', 'rejected', 1],
      [111, 0, 'work', 'rejected', 2],
      [121, 0, 'work', 'rejected', 3],
    ]);
    expect(deaths).toHaveLength(1000);
    expect(deaths[999].count).toBe(1000);
    expect(result.broker!.deadLettersOmitted).toBe(5992 - 1000);
  });

  it('without a DLX: dropped, a loss with cause rejected', () => {
    const { result } = runRecorded(scenario('{ name: work }', 'ids: [2, 5, 7]', 'reject'));
    expect(group(result, 'work').losses).toEqual({ total: 3, byCause: { rejected: 3 } });
  });

  it('a DLX that does not exist: a loss with cause dlx-missing', () => {
    const { result } = runRecorded(scenario('{ name: work, deadLetterExchange: nowhere }', 'ids: [2]', 'reject'));
    expect(group(result, 'work').losses).toEqual({ total: 1, byCause: { 'dlx-missing': 1 } });
  });
});

describe('quorum delivery limit', () => {
  it('limit 2: dead-lettered after exactly 3 deliveries, reason delivery_limit', () => {
    const yaml = scenario('{ name: work, queueType: quorum, deliveryLimit: 2, deadLetterExchange: dlx }', 'ids: [0]');
    const { result, deliveries } = runRecorded(yaml);
    const zero = deliveries.filter((d) => d.group === 'work' && d.id === 0).map((d) => d.attempt);
    expect(zero).toEqual([1, 2, 3]);
    expect(group(result, 'work')).toMatchObject({
      deliveries: 12,
      failures: 3,
      processed: 9,
      deadLetteredByReason: { delivery_limit: 1 },
    });
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => d.id)).toEqual([0]);
  });

  it('default limit 20: 21 deliveries, then dead-lettered', () => {
    const yaml = scenario('{ name: work, queueType: quorum, deadLetterExchange: dlx }', 'ids: [0]');
    const { result } = runRecorded(yaml);
    expect(group(result, 'work')).toMatchObject({ failures: 21, deadLetteredByReason: { delivery_limit: 1 } });
  });

  it('classic queues requeue forever (a hot loop): no dead letter', () => {
    const { result } = runRecorded(scenario('{ name: work, deadLetterExchange: dlx }', 'ids: [0]'));
    const g = group(result, 'work');
    // Message 0 goes back to the head every time: 10 ms attempts from 1 ms to 60.011 s, and
    // the nine behind it never get a turn (head-of-line blocking).
    expect(g.deadLettered).toBe(0);
    expect(g.failures).toBe(6001);
    expect(g.processed).toBe(0);
    expect(g.backlogAtEnd).toBe(10);
  });
});

describe('two copies of one message in a dead-letter queue', () => {
  it('both are delivered; the second processing is a duplicate; the ledger resolves once', () => {
    // Message 0 reaches queues a and b (fanout); both reject it into the same DLQ.
    const yaml = `
name: copies
duration: 2ms
drain: 1s
system:
  type: broker
  exchanges: [{ name: in, type: fanout }, { name: dlx, type: fanout }]
  queues:
    - { name: a, bindings: [{ exchange: in }], deadLetterExchange: dlx }
    - { name: b, bindings: [{ exchange: in }], deadLetterExchange: dlx }
    - { name: dlq, bindings: [{ exchange: dlx }] }
producers: [{ name: p, rate: 1000/s, arrivals: uniform, exchange: in }]
consumers:
  - { group: a, service: const(1ms), onError: reject }
  - { group: b, service: const(2ms), onError: reject }
  - { group: dlq, service: const(1ms) }
faults:
  - { kind: poison, group: a, ids: [0] }
  - { kind: poison, group: b, ids: [0] }
`;
    const { result, deliveries } = runRecorded(yaml);
    expect(deliveries.filter((d) => d.group === 'dlq').map((d) => [d.id, d.attempt])).toEqual([[0, 1], [0, 1]]);
    expect(group(result, 'dlq')).toMatchObject({ deliveries: 2, processed: 1, duplicates: 1, backlogAtEnd: 0, maxLag: 1 });
    expect(group(result, 'a').deadLetteredByReason).toEqual({ rejected: 1 });
    expect(group(result, 'b').deadLetteredByReason).toEqual({ rejected: 1 });
  });
});
