/**
 * Nack by ChangeMessageVisibility (consumers[].onFailure, docs/semantics.md, SQS): one poison
 * message, sent at 1 s; one worker long polling (20 s), handling takes 1 s (const); visibility
 * timeout 30 s, maxReceiveCount 3, then the dead-letter queue, where a reader (long polling,
 * 10 ms a message) picks it up the instant it arrives. Its latency there is the time to the
 * DLQ from the send, plus 10 ms.
 */
import { describe, expect, it } from 'vitest';
import { group, run, scenarioErrors } from '../../helpers.js';

function poison(onFailure: string): string {
  return `
name: nack
duration: 1500ms
drain: 3m
system:
  type: queue
  queues:
    - { name: jobs, visibilityTimeout: 30s, maxReceiveCount: 3, deadLetterQueue: jobs-dlq }
    - { name: jobs-dlq }
producers: [{ name: p, rate: 1/s, arrivals: uniform, queue: jobs }]
consumers:
  - { group: workers, queue: jobs, service: const(1s), waitTime: 20s${onFailure} }
  - { group: dlq-readers, queue: jobs-dlq, service: const(10ms), waitTime: 20s }
faults:
  - { kind: poison, group: workers, ids: [0] }
`;
}

/** [receives, failures, ms from the send to the DLQ reader's handling done]. */
function toDlq(onFailure: string): number[] {
  const r = run(poison(onFailure));
  const w = group(r, 'workers');
  expect(w).toMatchObject({ deadLettered: 1, deadLetteredByReason: { maxReceiveCount: 1 }, processed: 0 });
  return [w.deliveries, w.failures, group(r, 'dlq-readers').latencyMs.max];
}

describe('onFailure: ChangeMessageVisibility on a failed message', () => {
  it('without it, each retry waits out the 30 s timeout: received at 1, 31, 61 s, to the DLQ at 91 s', () => {
    expect(toDlq('')).toEqual([3, 3, 90_010]);
  });

  it('visibility 0s (a nack): received again the instant it fails, at 2 and 3 s; to the DLQ at 4 s', () => {
    expect(toDlq(', onFailure: { visibility: 0s }')).toEqual([3, 3, 3_010]);
  });

  it('visibility 5s: each retry 5 s after the failure, at 7 and 13 s; to the DLQ at 19 s', () => {
    expect(toDlq(', onFailure: { visibility: 5s }')).toEqual([3, 3, 18_010]);
  });

  it('backoff 1s doubling per receive: retries 1 s and 2 s after the failures, at 3 and 6 s; then 4 s: DLQ at 11 s', () => {
    expect(toDlq(', onFailure: { backoff: 1s }')).toEqual([3, 3, 10_010]);
  });

  it('maxBackoff caps the doubling: 1 s, then 1.5 s, 1.5 s: retries at 3 and 5.5 s, DLQ at 8 s', () => {
    // Fails at 2 s (visible at 3 s), 4 s (visible at 5.5 s), 6.5 s (visible, and redriven, at 8 s).
    expect(toDlq(', onFailure: { backoff: 1s, maxBackoff: 1500ms }')).toEqual([3, 3, 7_010]);
  });

  it('is refused without exactly one of visibility and backoff, or above 12h', () => {
    const bad = (f: string) => scenarioErrors(poison(`, onFailure: ${f}`)).join('\n');
    expect(bad('{ visibility: 0s, backoff: 1s }')).toMatch(/consumers\[0\]\.onFailure: give either visibility .* or backoff/);
    expect(bad('{ maxBackoff: 1s }')).toMatch(/consumers\[0\]\.onFailure\.maxBackoff: maxBackoff goes with backoff/);
    expect(bad('{ visibility: 13h }')).toMatch(/consumers\[0\]\.onFailure\.visibility: a visibility timeout is at most 12h/);
  });
});
