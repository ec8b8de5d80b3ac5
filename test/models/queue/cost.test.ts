/** The cost meter: requests by action, 64 KB chunks, dollars, and the result's cost block. */
import { describe, expect, it } from 'vitest';
import { billedRequests } from '../../../src/models/queue/cost.js';
import { QueueMeter } from '../../../src/observe/systems/queue.js';
import { group, run } from '../../helpers.js';

describe('billing by 64 KB chunk', () => {
  it('bills each started 64 KB chunk as one request, and at least one', () => {
    expect(billedRequests(0)).toBe(1);
    expect(billedRequests(65_536)).toBe(1);
    expect(billedRequests(65_537)).toBe(2);
    expect(billedRequests(256 * 1024)).toBe(4);
    expect(billedRequests(1024 * 1024)).toBe(16);
  });

  it('prices a fixed request count exactly', () => {
    const meter = new QueueMeter('q', 0.4);
    for (let i = 0; i < 1_000_000; i++) meter.call('ReceiveMessage', 0);
    for (let i = 0; i < 500_000; i++) meter.call('SendMessage', 256 * 1024);
    expect(meter.billed).toBe(3_000_000);
    expect(meter.dollars).toBeCloseTo(1.2, 12);
  });
});

/** Ten 100 KB messages at 1, 2, … 10 s, one long-polling consumer deleting each message. */
function tenLargeMessages(queue: string): string {
  return `
name: cost
duration: 10500ms
system: { type: queue, queues: [${queue}] }
producers: [{ name: p, rate: 1/s, arrivals: uniform, messageSize: 100KB, keys: { count: 1 } }]
consumers: [{ group: g, service: const(10ms), waitTime: 20s, deletes: each }]
`;
}

describe('the result cost block', () => {
  it('standard: 10 sends × 2 chunks + 10 receives × 2 chunks + 10 deletes = 50 requests, $0.00002', () => {
    const r = run(tenLargeMessages('{ name: q }'));
    expect(group(r).processed).toBe(10);
    const cost = r.cost!;
    expect(cost.requestsByAction).toEqual({ DeleteMessage: 10, ReceiveMessage: 10, SendMessage: 10 });
    expect(cost.billedRequests).toBe(50);
    expect(cost.emptyReceives).toBe(0);
    expect(cost.dollars).toBeCloseTo((50 * 0.4) / 1e6, 15);
    expect(cost.dollarsPerMillionProcessed).toBeCloseTo(((50 * 0.4) / 1e6 / 10) * 1e6, 12);
  });

  it('FIFO is priced at $0.50 per million, and a configured price wins', () => {
    const fifo = run(tenLargeMessages('{ name: q.fifo, fifo: true }')).cost!;
    expect(fifo.billedRequests).toBe(50);
    expect(fifo.dollars).toBeCloseTo((50 * 0.5) / 1e6, 15);
    const custom = run(tenLargeMessages('{ name: q, pricePerMillion: 0.3 }')).cost!;
    expect(custom.dollars).toBeCloseTo((50 * 0.3) / 1e6, 15);
  });

});
