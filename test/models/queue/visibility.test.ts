/**
 * SQS visibility timeout, redrive, heartbeats, long polling and retention: hand-computed cases
 * with evenly spaced arrivals and constant service times, asserted exactly.
 */
import { describe, expect, it } from 'vitest';
import { group, run } from '../../helpers.js';
import { parseScenario } from '../../../src/scenarios/load.js';
import { runScenario } from '../../../src/scenarios/run.js';
import type { HistoryOp } from '../../../src/observe/history-check.js';

/** The history of `yaml`'s run: [t, op, instance, the op's own field] of the lines about message 0. */
function lifeOfFirst(yaml: string): unknown[][] {
  const ops: HistoryOp[] = [];
  runScenario(parseScenario(yaml, 'test.yaml'), { history: { sink: { write: (line) => ops.push(JSON.parse(line) as HistoryOp) } } });
  return ops
    .filter((o) => o.msg === 0 && !['publish', 'enqueue', 'accepted'].includes(o.op))
    .map((o) => [o.t, o.op, o.instance ?? null, o.serviceMs ?? o.timeoutMs ?? o.attempt ?? o.reason ?? null]);
}

/**
 * One message, sent at 1 s (rate 1/s, uniform, for 1.5 s). One consumer instance with two poll
 * loops long polling 20 s; the queue's visibility timeout is 30 s, processing takes 45 s.
 */
function oneSlowMessage(extra = ''): string {
  return `
name: visibility
duration: 1500ms
drain: 3m
system:
  type: queue
  queues:
    - { name: orders, visibilityTimeout: 30s, maxReceiveCount: 3, deadLetterQueue: orders-dlq }
    - { name: orders-dlq }
producers:
  - { name: p, rate: 1/s, arrivals: uniform }
consumers:
  - group: workers
    queue: orders
    concurrency: 2
    waitTime: 20s
    service: const(45s)
${extra}`;
}

describe('visibility timeout shorter than processing', () => {
  it('redelivers every 30 s, duplicates the side effect and redrives on the fourth receive', () => {
    // 1 s: loop A receives (count 1), busy until 46 s. 31 s: visible again, loop B (parked in a
    // long poll) receives (count 2), busy until 76 s. 46 s: A processes (first time), its delete
    // uses a stale handle: success, nothing deleted. 61 s: A receives (count 3) until 106 s.
    // 76 s: B processes (duplicate 1). 91 s: visible again; the next receive would be the fourth
    // (> maxReceiveCount 3): moved to the DLQ. 106 s: A processes (duplicate 2).
    const r = run(oneSlowMessage());
    const g = group(r);
    expect(r.summary.produced).toBe(1);
    expect(g).toMatchObject({ deliveries: 3, redeliveries: 2, processed: 1, duplicates: 2, deadLettered: 1 });
    expect(g.deadLetteredByReason).toEqual({ maxReceiveCount: 1 });
    expect(g.losses.total).toBe(0);
    expect(g.backlogAtEnd).toBe(0);
    expect(r.cost?.queues['orders'].redriven).toBe(1);
    expect(r.anomalies.workers.filter((a) => a.kind === 'duplicate').map((a) => a.tMs)).toEqual([76_000, 106_000]);
  });

  it('a ChangeMessageVisibility heartbeat removes the duplicates', () => {
    // Every 10 s the visibility is set to 30 s from the call: 41, 51, 61, 71 s … the delete at
    // 46 s uses the latest handle.
    const r = run(oneSlowMessage('    heartbeat: { every: 10s, extendTo: 30s }'));
    const g = group(r);
    expect(g).toMatchObject({ deliveries: 1, redeliveries: 0, processed: 1, duplicates: 0, deadLettered: 0 });
    expect(g.backlogAtEnd).toBe(0);
    // Heartbeats at 11, 21, 31, 41 s; then DeleteMessage at 46 s.
    expect(r.cost?.requestsByAction.ChangeMessageVisibility).toBe(4);
    expect(r.cost?.requestsByAction.DeleteMessage).toBe(1);
  });

  it('with one poll loop nobody receives it again: one delivery, deleted by the latest handle', () => {
    const r = run(oneSlowMessage().replace('concurrency: 2', 'concurrency: 1'));
    expect(group(r)).toMatchObject({ deliveries: 1, processed: 1, duplicates: 0, deadLettered: 0, backlogAtEnd: 0 });
  });
});

describe('the history of visibility', () => {
  it('records each handler start, each expiry and the redelivery or redrive it causes', () => {
    // The times of the first test: receives at 1, 31 and 61 s, each starting a 45 s handler;
    // expiries 30 s after each receive; the expiry at 91 s is redriven at once by the parked poll.
    expect(lifeOfFirst(oneSlowMessage())).toEqual([
      [1000, 'deliver', 'workers/0', 1],
      [1000, 'process-start', 'workers/0', 45_000],
      [31_000, 'visibility-expired', 'workers/0', null],
      [31_000, 'deliver', 'workers/0', 2],
      [31_000, 'process-start', 'workers/0', 45_000],
      [46_000, 'process', 'workers/0', null],
      [61_000, 'visibility-expired', 'workers/0', null],
      [61_000, 'deliver', 'workers/0', 3],
      [61_000, 'process-start', 'workers/0', 45_000],
      [76_000, 'process', 'workers/0', null],
      [76_000, 'duplicate', 'workers/0', null],
      [91_000, 'visibility-expired', 'workers/0', null],
      [91_000, 'dead-letter', null, 'maxReceiveCount'],
      // The late processing names the instance whose handler it was; the recorder forgets a
      // dead-lettered message's holder, so the duplicate it makes names none.
      [106_000, 'process', 'workers/0', null],
      [106_000, 'duplicate', null, null],
    ]);
  });

  it('records each heartbeat as a visibility change of 30 s, and no expiry', () => {
    expect(lifeOfFirst(oneSlowMessage('    heartbeat: { every: 10s, extendTo: 30s }'))).toEqual([
      [1000, 'deliver', 'workers/0', 1],
      [1000, 'process-start', 'workers/0', 45_000],
      [11_000, 'visibility-change', 'workers/0', 30_000],
      [21_000, 'visibility-change', 'workers/0', 30_000],
      [31_000, 'visibility-change', 'workers/0', 30_000],
      [41_000, 'visibility-change', 'workers/0', 30_000],
      [46_000, 'process', 'workers/0', null],
      [46_000, 'delete', 'workers/0', null],
    ]);
  });
});

describe('same-instant race: visibility expiry vs completion', () => {
  it('the expiry (scheduled at the receive) wins: a delete at exactly the deadline is stale', () => {
    // Processing takes exactly the 30 s timeout. At 31 s the expiry runs first, the parked loop
    // B receives the message (count 2), then A processes and deletes with a stale handle. At
    // 61 s the same happens to B's receive; the third receive would pass maxReceiveCount 2: DLQ.
    const r = run(oneSlowMessage()
      .replace('const(45s)', 'const(30s)')
      .replace('maxReceiveCount: 3', 'maxReceiveCount: 2'));
    expect(group(r)).toMatchObject({ deliveries: 2, processed: 1, duplicates: 1, deadLettered: 1 });
  });
});

describe('the 12-hour cap', () => {
  it('heartbeats cannot keep a message invisible past 12 h after its receive', () => {
    // Received at 1 s, processing takes 13 h, heartbeats every 10 s ask for 30 s more: the
    // visibility stops at 12 h + 1 s, when loop B receives it (a second delivery). A's delete at
    // 13 h + 1 s is stale; B is still working when the run ends.
    const r = run(oneSlowMessage('    heartbeat: { every: 10s, extendTo: 30s }')
      .replace('const(45s)', 'const(13h)')
      .replace('drain: 3m', 'drain: 14h'));
    expect(group(r)).toMatchObject({ deliveries: 2, redeliveries: 1, processed: 1, duplicates: 0, backlogAtEnd: 1 });
    expect(r.anomalies.workers).toEqual([]);
  });
});

