/**
 * SendMessage under the AWS SDK's standard retry mode: 3 attempts in all, full-jitter backoff
 * U × 500 ms × 2^(n−1) before retry n for a throttled call. A FIFO-like queue allowing one call a
 * second (a bucket of one token, refilled at 1/s) and a fixed jitter draw make every attempt's
 * time exact.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../src/sim/kernel.js';
import { Ledger, NO_KEY } from '../../../src/observe/ledger.js';
import { SqsQueue, type QueueOptions } from '../../../src/models/queue/sqs-queue.js';
import { SqsService } from '../../../src/models/queue/service.js';
import { sdkBackoffMs } from '../../../src/models/queue/sdk-retry.js';

const OPTIONS: QueueOptions = {
  name: 'q.fifo', fifo: true, visibilityTimeoutMs: 30_000, retentionMs: 4 * 86_400_000, delayMs: 0,
  receiveWaitMs: 0, maxReceiveCount: Infinity, duplicateProbability: 0, outOfOrderProbability: 0, inFlightLimit: 120_000,
  maximumMessageSizeBytes: 1_048_576, callsPerSecond: 1, servers: 1, sampledServers: 1, pricePerMillion: 0.5,
};

function world(draw: number, bytes = 1024) {
  const kernel = new Kernel();
  const ledger = new Ledger();
  ledger.useClock(() => kernel.now);
  ledger.addProducer();
  ledger.addGroup('g');
  const queue = new SqsQueue(kernel, ledger, OPTIONS, () => 0, () => 1, () => 1);
  queue.group = 0;
  const service = new SqsService(kernel, ledger, [queue],
    [{ queues: [queue], viaTopic: false, bytes, jitter: () => draw, delayMs: null, retryEvery: 0, retryAfterMs: 0 }]);
  const ids = [0, 1, 2].map(() => {
    const id = ledger.produce(0, NO_KEY);
    service.publish(0, id);
    return id;
  });
  const rejectedAt: number[] = [];
  const reject = ledger.reject.bind(ledger);
  ledger.reject = (id, cause) => {
    rejectedAt.push(kernel.now);
    reject(id, cause);
  };
  kernel.run();
  return { ledger, queue, ids, rejectedAt };
}

describe('the SDK\'s standard retry mode on SendMessage', () => {
  it('backs off U × 500 ms × 2^(n−1), at most 20 s', () => {
    expect(sdkBackoffMs(1, () => 0.5)).toBe(250);
    expect(sdkBackoffMs(2, () => 0.5)).toBe(500);
    expect(sdkBackoffMs(7, () => 0.999)).toBe(20_000);
  });

  it('gives up after the third throttled attempt: rejected, cause throttled', () => {
    // Message 0 takes the one token at 0. Messages 1 and 2 are throttled at 0, at 250 ms
    // (0.25 tokens) and at 750 ms (0.75 tokens): rejected at 750 ms.
    const { ledger, queue, rejectedAt } = world(0.5);
    expect([ledger.accepted, ledger.rejected]).toEqual([1, 2]);
    expect(Object.fromEntries(ledger.rejectedByCause)).toEqual({ throttled: 2 });
    expect(rejectedAt).toEqual([750, 750]);
    expect(queue.meter.throttled.get('SendMessage')).toBe(6);
  });

  it('a third attempt that finds a token is accepted', () => {
    // Draw 0.9: retries at 450 ms and 450 + 900 = 1350 ms. By then the bucket is full again
    // (one token): message 1 gets it, message 2 is throttled a third time and rejected.
    const { ledger, rejectedAt } = world(0.9);
    expect([ledger.accepted, ledger.rejected]).toEqual([2, 1]);
    expect(rejectedAt).toEqual([1350]);
  });

  it('a message larger than MaximumMessageSize is refused at once, without retries', () => {
    const { ledger, queue } = world(0.5, 1_048_577);
    expect(Object.fromEntries(ledger.rejectedByCause)).toEqual({ 'message-too-large': 3 });
    expect(queue.meter.calls.get('SendMessage') ?? 0).toBe(0);
  });
});
