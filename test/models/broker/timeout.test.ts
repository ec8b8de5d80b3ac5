/** Delivery-acknowledgement timeout: checked once a minute; the channel closes and requeues. */
import { describe, expect, it } from 'vitest';
import { group } from '../../helpers.js';
import { runRecorded } from './helpers.js';

const scenario = (queue: string, service: string) => `
name: consumer-timeout
duration: 1500ms
drain: 15m
system: { type: broker, queues: [${queue}] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, routingKey: work }]
consumers: [{ group: work, prefetch: 1, service: "${service}" }]
`;

describe('consumer timeout', () => {
  it('a 6-minute handler against a 5-minute timeout: closed at the 6-minute check, then the ack wins a tie', () => {
    const { result, deliveries } = runRecorded(scenario('{ name: work, consumerTimeout: 5m }', 'const(6m)'));
    // Delivered at 1 s; the check at 6 min sees it 5m59s old: the channel closes, the message
    // is requeued and redelivered at once to the consumer's new channel. The handler of the
    // second delivery finishes at 12 min, the same instant as the next check; the completion
    // was scheduled first (at 6 min, before the 11-minute check scheduled the 12-minute one),
    // so the ack wins and nothing times out.
    expect(deliveries.map((d) => [d.tMs, d.attempt])).toEqual([[1000, 1], [360_000, 2]]);
    expect(result.timeline.filter((e) => e.kind === 'consumer-timeout').map((e) => e.tMs)).toEqual([360_000]);
    expect(group(result, 'work')).toMatchObject({ processed: 1, redeliveries: 1, duplicates: 0, backlogAtEnd: 0 });
  });

  it('the default is 30 minutes: a 20-minute handler never times out', () => {
    const { result } = runRecorded(scenario('{ name: work }', 'const(20m)').replace('drain: 15m', 'drain: 25m'));
    expect(result.timeline.filter((e) => e.kind === 'consumer-timeout')).toEqual([]);
    expect(group(result, 'work')).toMatchObject({ processed: 1, redeliveries: 0 });
  });
});
