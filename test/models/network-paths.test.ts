/**
 * Paths over a `network` that the per-system network tests leave out (docs/semantics.md,
 * "Consumers on every system" and each system's section): a clean leave, broker nacks and
 * rejects, SQS ChangeMessageVisibility (onFailure and the heartbeat), Kafka's synchronous
 * auto-commit before rejoining and on close, a rebalance while a fetch is outstanding, and a
 * FIFO queue with effectively-once.
 *
 * Every service time and round trip is constant, so every time and count below is exact; the
 * arithmetic is in the comment above each expectation. Times come from the message history
 * (docs/history.md). A round trip of R means each request and each answer takes R / 2.
 *
 * Four of them pinned bugs found here, now fixed: a broker close landing after a quick restart
 * requeued the new connection's deliveries; an idle Kafka member rejoined without its
 * auto-commit; a leave skipped a commit on the wire; a dropped fetch answer stranded records of
 * a kept partition.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import type { Result } from '../../src/observe/result.js';
import { group, run } from '../helpers.js';

interface Line {
  t: number;
  op: string;
  msg?: number;
  instance?: string | null;
  attempt?: number;
  partition?: string;
  offset?: number;
  reason?: string;
}

/** Runs a scenario and records its message history. */
function traced(yaml: string): { r: Result; lines: Line[] } {
  const lines: Line[] = [];
  const sink = { write: (line: string) => void lines.push(JSON.parse(line) as Line) };
  const r = runScenario(parseScenario(yaml, 'test.yaml'), { history: { sink } });
  return { r, lines };
}

/** `[t, message]` of every history line of `op` (and of `instance`, if given). */
function at(lines: Line[], op: string, instance?: string): [number, number][] {
  return lines
    .filter((l) => l.op === op && (instance === undefined || l.instance === instance))
    .map((l) => [l.t, l.msg!]);
}

/** `[t, message, attempt]` of every delivery. */
function deliveries(lines: Line[]): [number, number, number][] {
  return lines.filter((l) => l.op === 'deliver').map((l) => [l.t, l.msg!, l.attempt!]);
}

function timeline(r: Result, kind: string): [number, string][] {
  return r.timeline.filter((e) => e.kind === kind).map((e) => [e.tMs, e.subject]);
}

function outcome(r: Result, name?: string) {
  const g = group(r, name);
  return {
    processed: g.processed,
    deliveries: g.deliveries,
    duplicates: g.duplicates,
    redeliveries: g.redeliveries,
    losses: g.losses.total,
    backlogAtEnd: g.backlogAtEnd,
  };
}

// ---- 1. a clean leave over a network ------------------------------------------------------------

describe('a clean leave (kind: leave) over a network', () => {
  describe('broker: prefetch 3, 10 ms a message, a 4 ms round trip, leave at 15 ms, back 100 ms later', () => {
    const { r, lines } = traced(`
name: broker-leave
duration: 1ms
drain: 1s
system: { type: broker, queues: [{ name: g }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 6, routingKey: g }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", prefetch: 3 }]
faults: [{ kind: leave, group: g, instance: 0, at: 15ms, restartAfter: 100ms }]
`);

    it('finishes the message in hand, then goes; its ack and its close land half a round trip later', () => {
      // Pushes of m0, m1, m2 at 0 arrive at 2: m0 runs 2–12, its ack lands at 14 and m3 is
      // pushed then (it reaches the buffer at 16). m1 runs 12–22; the leave at 15 lets it finish.
      // At 22 the instance holds nothing: it goes (leave at 22) and its close follows its ack
      // on the same link: both land at 24, ack first.
      expect(timeline(r, 'leave')).toEqual([[22, 'g/0']]);
      expect(at(lines, 'process')).toEqual([[12, 0], [22, 1], [134, 2], [144, 3], [154, 4], [164, 5]]);
      expect(at(lines, 'ack').slice(0, 2)).toEqual([[14, 0], [24, 1]]);
    });

    it('what sat in the prefetch buffer is requeued when the close lands and redelivered after the restart', () => {
      // m2 and m3 were in the buffer, unhandled: the close at 24 requeues them in their places.
      // The restart at 22 + 100 = 122 pushes m2, m3 (attempt 2) and m4; they run 124–134,
      // 134–144, 144–154. m2's ack lands at 136 and m5 is pushed then; it runs 154–164.
      expect(timeline(r, 'restart')).toEqual([[122, 'g/0']]);
      expect(deliveries(lines)).toEqual([
        [0, 0, 1], [0, 1, 1], [0, 2, 1], [14, 3, 1],
        [122, 2, 2], [122, 3, 2], [122, 4, 1], [136, 5, 1],
      ]);
      // Nothing lost, nothing applied twice: 8 deliveries of 6 messages, 2 of them redeliveries.
      expect(outcome(r)).toEqual({ processed: 6, deliveries: 8, duplicates: 0, redeliveries: 2, losses: 0, backlogAtEnd: 0 });
    });
  });

  // The restarted instance keeps its Subscription; the old connection's close, still on the
  // wire, requeues only the deliveries sent on the old connection (as closing a RabbitMQ
  // channel requeues only that channel's), not what the broker pushed to the new one.
  it('broker: a restart quicker than half a round trip duplicates nothing (close of the old channel requeues only its own)', () => {
    // 40 ms round trip, leave at 25 ms, back 5 ms after it goes. m0, m1, m2 pushed at 0 land at
    // 20; m0 runs 20–30; the instance goes at 30, back at 35. m0's ack lands at 50: the broker
    // pushes m3 to the restarted instance; the old close lands just after and requeues m1 and
    // m2 only, so m3 is handled once.
    const r = run(`
name: broker-leave-fast-restart
duration: 1ms
drain: 1s
system: { type: broker, queues: [{ name: g }], network: 40ms }
producers: [{ name: p, rate: 0/s, backlog: 6, routingKey: g }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", prefetch: 3 }]
faults: [{ kind: leave, group: g, instance: 0, at: 25ms, restartAfter: 5ms }]
`);
    expect(group(r).processed).toBe(6);
    expect(group(r).losses.total).toBe(0);
    expect(group(r).duplicates).toBe(0);
  });

  describe('log: two members on two partitions, batches of 2, 10 ms a record, 4 ms round trip, g/1 leaves at 25 ms', () => {
    const { r, lines } = traced(`
name: log-leave
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 2 }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 12, partitioner: round-robin }]
consumers: [{ group: g, instances: 2, service: "const(10ms)", maxPollRecords: 2, rebalanceTime: 100ms }]
faults: [{ kind: leave, group: g, instance: 1, at: 25ms }]
`);

    it('close(): the batch in hand is finished and committed (commitSync), then LeaveGroup', () => {
      // The first fetch is answered at 4. g/1 handles m1, m3 (t-1 offsets 0, 1) 4–14–24; its
      // commit lands at 26 and is answered at 28: then it leaves, and the rebalance starts.
      expect(at(lines, 'process', 'g/1')).toEqual([[14, 1], [24, 3]]);
      expect(at(lines, 'commit', 'g/1')).toEqual([[26, 1], [26, 3]]);
      expect(timeline(r, 'leave')).toEqual([[28, 'g/1']]);
      expect(timeline(r, 'rebalance')).toEqual([[28, 'g']]);
    });

    it('the other member takes t-1 over from the committed offset: nothing lost, nothing repeated', () => {
      // g/0 polled at 28 (before the leave) and handles m4, m6 28–48; its commit is answered at
      // 52, when it rejoins. The rebalance ends at 28 + 100 = 128; the fresh fetch after the
      // assignment takes a full round trip: t-1 from offset 2 (m5, m7) arrives at 132.
      expect(timeline(r, 'rebalance-end')).toEqual([[128, 'g']]);
      expect(deliveries(lines).filter(([t]) => t > 28)).toEqual([
        [132, 5, 1], [132, 7, 1], [156, 8, 1], [156, 10, 1], [180, 9, 1], [180, 11, 1],
      ]);
      expect(outcome(r)).toEqual({ processed: 12, deliveries: 12, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
    });
  });

  describe('queue: batches of 2, 10 ms a message, 4 ms round trip, leave at 15 ms, back 1 s later', () => {
    const { r, lines } = traced(`
name: queue-leave
duration: 1ms
drain: 2s
system: { type: queue, queues: [{ name: q }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 6 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", waitTime: 20s, batchSize: 2 }]
faults: [{ kind: leave, group: g, instance: 0, at: 15ms, restartAfter: 1s }]
`);

    it('the loop finishes and deletes its batch, then stops instead of receiving again', () => {
      // The receive takes m0, m1 at the queue at 2; the answer arrives at 4. They run 4–14–24,
      // DeleteMessageBatch lands at 26, its answer at 28: the loop would poll, and stops.
      expect(at(lines, 'process').slice(0, 2)).toEqual([[14, 0], [24, 1]]);
      expect(at(lines, 'delete').slice(0, 2)).toEqual([[26, 0], [26, 1]]);
      expect(timeline(r, 'leave')).toEqual([[28, 'g/0']]);
    });

    it('after the restart the rest is received: nothing lost or repeated', () => {
      // Back at 1028: receive at the queue at 1030, answer at 1032 (m2, m3 run to 1052), the
      // delete is answered at 1056, the next receive's answer arrives at 1060 (m4, m5).
      expect(deliveries(lines)).toEqual([
        [4, 0, 1], [4, 1, 1], [1032, 2, 1], [1032, 3, 1], [1060, 4, 1], [1060, 5, 1],
      ]);
      expect(outcome(r)).toEqual({ processed: 6, deliveries: 6, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
    });
  });

  it('queue: a loop parked in a long poll ends it first, then goes', () => {
    // m0 is deleted at 16 (answered at 18); the next receive reaches the queue at 20 and waits
    // 20 s there. The leave at 100 ms waits for it: the empty answer arrives at 20,022 ms.
    const r = run(`
name: queue-leave-parked
duration: 1ms
drain: 30s
system: { type: queue, queues: [{ name: q }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", waitTime: 20s }]
faults: [{ kind: leave, group: g, instance: 0, at: 100ms }]
`);
    expect(timeline(r, 'leave')).toEqual([[20022, 'g/0']]);
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 1, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });
});

// ---- 2. broker nack and reject over a network ---------------------------------------------------

describe('broker: a failing handler nacks over a network (prefetch 2, 10 ms a message, 4 ms round trip)', () => {
  it('onError requeue: the nack lands half a round trip later, the classic queue puts it back in place and pushes it again', () => {
    // Message 1 fails twice, then succeeds. m0, m1 pushed at 0 land at 2; m0 runs 2–12, its
    // ack lands at 14 and m2 is pushed. m1 fails at 22; its nack lands at 24: m1 goes back
    // ahead of m3 (its original place) and, a prefetch slot being free, is pushed at once
    // (attempt 2). m2 runs 22–32; its ack lands at 34 and m3 is pushed. m1 fails again 32–42;
    // the nack lands at 44 and it is pushed again (attempt 3). m3 runs 42–52, m1 52–62.
    const { r, lines } = traced(`
name: broker-requeue
duration: 1ms
drain: 1s
system: { type: broker, queues: [{ name: g }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 4, routingKey: g }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", prefetch: 2, onError: requeue }]
faults: [{ kind: poison, ids: [1], failures: 2 }]
`);
    expect(deliveries(lines)).toEqual([
      [0, 0, 1], [0, 1, 1], [14, 2, 1], [24, 1, 2], [34, 3, 1], [44, 1, 3],
    ]);
    expect(at(lines, 'handler-failed')).toEqual([[22, 1], [42, 1]]);
    expect(at(lines, 'process')).toEqual([[12, 0], [32, 2], [52, 3], [62, 1]]);
    expect(group(r).failures).toBe(2);
    expect(outcome(r)).toEqual({ processed: 4, deliveries: 6, duplicates: 0, redeliveries: 2, losses: 0, backlogAtEnd: 0 });
  });

  it('onError reject: the reject lands half a round trip later and dead-letters the message there', () => {
    // m1 always fails: at 22. The reject lands at 24: m1 is dead-lettered (reason rejected)
    // to the queue dlq, and the freed slot takes m3 at once.
    const { r, lines } = traced(`
name: broker-reject
duration: 1ms
drain: 1s
system: { type: broker, queues: [{ name: g, deadLetterExchange: "", deadLetterRoutingKey: dlq }, { name: dlq }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 4, routingKey: g }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", prefetch: 2, onError: reject }]
faults: [{ kind: poison, ids: [1] }]
`);
    expect(lines.filter((l) => l.op === 'dead-letter').map((l) => [l.t, l.msg, l.reason])).toEqual([[24, 1, 'rejected']]);
    expect(deliveries(lines)).toEqual([[0, 0, 1], [0, 1, 1], [14, 2, 1], [24, 3, 1]]);
    expect(at(lines, 'process')).toEqual([[12, 0], [32, 2], [42, 3]]);
    expect(group(r, 'g').deadLetteredByReason).toEqual({ rejected: 1 });
    expect(outcome(r, 'g')).toEqual({ processed: 3, deliveries: 4, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
    // The dead letter waits in dlq, which nobody consumes.
    expect(group(r, 'dlq').backlogAtEnd).toBe(1);
  });
});

// ---- 3. SQS ChangeMessageVisibility over a network ----------------------------------------------

describe('SQS: ChangeMessageVisibility is applied where it reaches the queue', () => {
  it('a nack and the next receive sent after it arrive together: the receive gets the nacked message', () => {
    // Two messages, one loop, 10 ms round trip, 10 ms of work; m0 fails once. Received at the
    // queue at 5, answered at 10, fails at 20: ChangeMessageVisibility(0) and the next
    // ReceiveMessage both go out at 20 on the same connection and land at 25, in that order,
    // so m0 is visible again (at the head) when the receive is served: m0 again at 30. It is
    // handled 30–40 and deleted (answered at 50); the next receive brings m1 at 60.
    const { r, lines } = traced(`
name: sqs-nack-then-receive
duration: 1ms
drain: 1s
system: { type: queue, queues: [{ name: q }], network: 10ms }
producers: [{ name: p, rate: 0/s, backlog: 2 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", waitTime: 20s, onFailure: { visibility: 0s } }]
faults: [{ kind: poison, ids: [0], failures: 1 }]
`);
    expect(deliveries(lines)).toEqual([[10, 0, 1], [30, 0, 2], [60, 1, 1]]);
    expect(outcome(r)).toEqual({ processed: 2, deliveries: 3, duplicates: 0, redeliveries: 1, losses: 0, backlogAtEnd: 0 });
  });

  const nack = (onFailure: string) => traced(`
name: queue-nack
duration: 1ms
drain: 40s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 30s }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 2 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", waitTime: 20s${onFailure} }]
faults: [{ kind: poison, ids: [1], failures: 2 }]
`);

  it('onFailure visibility 0s: the failed message is visible again half a round trip after the failure', () => {
    // m0: received at the queue at 2, answered at 4, done at 14, deleted at 16, answered at 18.
    // m1: taken at 20, answered at 22, fails at 32. ChangeMessageVisibility(0) is sent at 32
    // (not waited for) and the next receive right behind it: both land at 34, and the receive
    // (parked, nothing else is visible) gets m1 (attempt 2), answered at 36. It fails at 46;
    // the same again: attempt 3 answered at 50, done at 60, deleted at 62.
    const { r, lines } = nack(', onFailure: { visibility: 0s }');
    expect(at(lines, 'visibility-change')).toEqual([[34, 1], [48, 1]]);
    expect(deliveries(lines)).toEqual([[4, 0, 1], [22, 1, 1], [36, 1, 2], [50, 1, 3]]);
    expect(at(lines, 'delete')).toEqual([[16, 0], [62, 1]]);
    expect(outcome(r)).toEqual({ processed: 2, deliveries: 4, duplicates: 0, redeliveries: 2, losses: 0, backlogAtEnd: 0 });
  });

  it('without onFailure the failed message waits out its 30 s timeout, counted from the receive at the queue', () => {
    // m1 taken at 20 → visible at 30,020 and taken at once by the parked receive: answered at
    // 30,022, fails at 30,032; visible again at 60,020, after the run (40,001 ms).
    const { r, lines } = nack('');
    expect(deliveries(lines)).toEqual([[4, 0, 1], [22, 1, 1], [30022, 1, 2]]);
    expect(group(r).failures).toBe(2);
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 3, duplicates: 0, redeliveries: 1, losses: 0, backlogAtEnd: 1 });
  });

  /** Two consumers, a 1 s timeout, 1.4 s of work, a 200 ms round trip, a heartbeat to 1 s. */
  const heartbeat = (every: string) => traced(`
name: queue-heartbeat
duration: 1ms
drain: 5s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 1s }], network: 200ms }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 2, service: "const(1400ms)", waitTime: 20s, heartbeat: { every: ${every}, extendTo: 1s } }]
`);

  it('a heartbeat every 500 ms lands in time: the message is held to the end and deleted once', () => {
    // Taken at the queue at 100 (visible again at 1100), answered at 200, worked 200–1600.
    // Heartbeats sent at 700 and 1200 land at 800 (→ 1800) and 1300 (→ 2300); the delete sent
    // at 1600 lands at 1700, in time.
    const { r, lines } = heartbeat('500ms');
    expect(at(lines, 'visibility-change')).toEqual([[800, 0], [1300, 0]]);
    expect(at(lines, 'delete')).toEqual([[1700, 0]]);
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 1, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });

  it('a heartbeat every 900 ms lands 100 ms after the timeout ran out: the message comes back every second', () => {
    // g/0's heartbeat is sent at 200 + 900 = 1100 and lands at 1200, but the message became
    // visible at 1100 and g/1's parked receive took it (attempt 2, answered at 1200); the late
    // heartbeat carries a stale receipt handle and changes nothing. Each holder's heartbeat is
    // always 100 ms late, so the message is taken at 100, 1100, 2100, 3100, 4100 (answered
    // 100 ms later: 5 deliveries) and processed at 1600, 2600, 3600, 4600 (3 duplicates)
    // before the run ends at 5001 ms, still in flight.
    const { r, lines } = heartbeat('900ms');
    expect(at(lines, 'visibility-change')).toEqual([]);
    expect(at(lines, 'visibility-expired').map(([t]) => t)).toEqual([1100, 2100, 3100, 4100]);
    expect(deliveries(lines)).toEqual([[200, 0, 1], [1200, 0, 2], [2200, 0, 3], [3200, 0, 4], [4200, 0, 5]]);
    expect(at(lines, 'process').map(([t]) => t)).toEqual([1600, 2600, 3600, 4600]);
    // Each processing is credited to the instance that did it, not to the message's latest holder.
    expect(lines.filter((l) => l.op === 'process').map((l) => l.instance)).toEqual(['g/0', 'g/1', 'g/0', 'g/1']);
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 5, duplicates: 3, redeliveries: 4, losses: 0, backlogAtEnd: 1 });
  });
});

// ---- 4. Kafka auto-commit over a network --------------------------------------------------------

describe('Kafka auto-commit over a network: the commit before rejoining and on close is synchronous', () => {
  it('before rejoining a rebalance (a partition increase during a batch), the commit is waited for', () => {
    // One member, one partition with 10 records, a 200 ms round trip. The first fetch is
    // answered at 200; the batch of 10 runs 200–300. The partition count grows at 250 while it
    // works; at 300 poll() sees the rebalance and commits synchronously first: the commit lands
    // at 400 (offset 10) and is answered at 500, when the member rejoins; the rebalance (ready
    // at 250 + 50 = 300) ends then. If the commit were sent without waiting, the member would
    // rejoin at 300, the rebalance would end at 300 (generation 2), the commit would land at 400
    // from generation 1 and fail, and all 10 records would be read again: 10 duplicates.
    const { r, lines } = traced(`
name: log-autocommit-rejoin
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 1 }], network: 200ms, partitionIncreases: [{ topic: t, at: 250ms, partitions: 2 }] }
producers: [{ name: p, rate: 0/s, backlog: 10 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", maxPollRecords: 10, rebalanceTime: 50ms, enableAutoCommit: true, autoOffsetReset: earliest }]
`);
    expect(at(lines, 'commit').map(([t]) => t)).toEqual(Array(10).fill(400));
    expect(timeline(r, 'rebalance-end')).toEqual([[500, 'g']]);
    expect(outcome(r)).toEqual({ processed: 10, deliveries: 10, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });

  describe('on close (kind: leave), and before rejoining, with two members (4 ms round trip)', () => {
    const { r, lines } = traced(`
name: log-autocommit-close
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 2 }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 12, partitioner: round-robin }]
consumers: [{ group: g, instances: 2, service: "const(10ms)", maxPollRecords: 2, rebalanceTime: 100ms, enableAutoCommit: true }]
faults: [{ kind: leave, group: g, instance: 1, at: 25ms }]
`);

    it('the leaving member commits its position and waits for the answer before LeaveGroup', () => {
      // Auto-commit (every 5 s) never came due: g/1 handles m1, m3 4–24 and m5, m7 24–44 (the
      // leave at 25 lets that batch finish). close() commits t-1 at 4 synchronously: it lands
      // at 46, is answered at 48, and only then does the member leave.
      expect(at(lines, 'commit', 'g/1')).toEqual([[46, 1], [46, 3], [46, 5], [46, 7]]);
      expect(timeline(r, 'leave')).toEqual([[48, 'g/1']]);
    });

    it('the remaining member commits before rejoining; t-1 resumes at offset 4: no duplicates', () => {
      // g/0 is busy 44–64 (m8, m10); at 64 poll() sees the rebalance and commits t-0 at 6: it
      // lands at 66 and is answered at 68. The rebalance ends at 48 + 100 = 148; t-1 from its
      // committed offset 4 (m9, m11) arrives a full round trip later, at 152. Had the close's
      // commit landed after LeaveGroup (at 44), it would have failed and m1, m3, m5, m7 would
      // be read again: 4 duplicates.
      expect(at(lines, 'commit', 'g/0')).toEqual([0, 2, 4, 6, 8, 10].map((m) => [66, m]));
      expect(timeline(r, 'rebalance-end')).toEqual([[148, 'g']]);
      expect(deliveries(lines).filter(([t]) => t > 48)).toEqual([[152, 9, 1], [152, 11, 1]]);
      // m9 and m11 are processed but not committed when the run ends (2,001 ms < 5 s): backlog.
      expect(outcome(r)).toEqual({ processed: 12, deliveries: 12, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 2 });
    });
  });

  // A member idle inside poll() when a rebalance starts still runs Kafka's onJoinPrepare
  // (ConsumerCoordinator.maybeAutoCommitOffsetsSync) before it rejoins, as a busy one does.
  it('an idle member commits before rejoining: no duplicates', () => {
    // Two members, 2 records each (done by 24), auto-commit not due (5 s). g/1 leaves at 100:
    // its close commits t-1 (lands 102, answered 104). g/0 is idle: it commits t-0 before
    // rejoining, so after the rebalance it reads nothing again (it used to read m0 and m2
    // again at 208: 2 duplicates).
    const r = run(`
name: log-autocommit-idle-rejoin
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 2 }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 4, partitioner: round-robin }]
consumers: [{ group: g, instances: 2, service: "const(10ms)", rebalanceTime: 100ms, enableAutoCommit: true }]
faults: [{ kind: leave, group: g, instance: 1, at: 100ms }]
`);
    expect(group(r).processed).toBe(4);
    expect(group(r).duplicates).toBe(0);
    expect(group(r).redeliveries).toBe(0);
  });

  // A leave that comes while the synchronous commit before rejoining is on the wire waits for
  // its answer, then leaves: the offsets are committed before LeaveGroup, as Kafka's close()
  // on the poll thread does.
  it('a leave while the rejoin commit is on the wire still commits first: no duplicates', () => {
    // As the partition-increase test above (200 ms round trip, batch 200–300, rejoin commit
    // sent at 300, landing at 400), with a leave at 350 and a restart 100 ms after the member
    // goes. The member goes at 500 with offset 10 committed, comes back at 600 and reads
    // nothing again (it used to go at 350, its commit failed at 400, and the restarted member
    // read all 10 records again: 10 duplicates).
    const r = run(`
name: log-autocommit-leave-during-rejoin-commit
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 1 }], network: 200ms, groupInitialRebalanceDelay: 0s, partitionIncreases: [{ topic: t, at: 250ms, partitions: 2 }] }
producers: [{ name: p, rate: 0/s, backlog: 10 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", maxPollRecords: 10, rebalanceTime: 50ms, enableAutoCommit: true, autoOffsetReset: earliest }]
faults: [{ kind: leave, group: g, instance: 0, at: 350ms, restartAfter: 100ms }]
`);
    expect(group(r).processed).toBe(10);
    expect(group(r).duplicates).toBe(0);
    expect(group(r).backlogAtEnd).toBe(0);
  });
});

// ---- 5. a rebalance while a fetch is outstanding (log) ------------------------------------------

describe('log: a rebalance while a fetch answer is on the wire (20 ms round trip)', () => {
  /**
   * Two members, two partitions. m0 (t-0) and m1 (t-1) at 0, handled 20–30 and committed at 40.
   * g/1 leaves at 100 (idle: at once), the rebalance ends at 200 and g/0 gets t-1. Producer b
   * appends `extra` records round-robin from t-0 just before 200, at 195 and 196 ms: g/0's
   * fetch, parked at the broker, is answered at once and the answer is still on the wire
   * (arriving at 205) when the assignment at 200 starts a fresh fetch.
   */
  const scenario = (strategy: string, extra: number) => traced(`
name: log-fetch-in-flight
duration: 300ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 2 }], network: 20ms }
producers:
  - { name: a, rate: 0/s, backlog: 2, partitioner: round-robin }
  - { name: b, rate: 0/s, arrivals: uniform, partitioner: round-robin, phases: [{ name: late, at: 194ms, duration: 2ms, rate: ${extra * 500}/s }] }
consumers: [{ group: g, instances: 2, service: "const(10ms)", rebalanceTime: 100ms, partitionAssignmentStrategy: ${strategy} }]
faults: [{ kind: leave, group: g, instance: 1, at: 100ms }]
`);

  for (const strategy of ['range', 'cooperative-sticky']) {
    it(`${strategy}: the records of the reassigned partition arrive a round trip after the assignment, once`, () => {
      // m2 (t-0 @1, 195 ms) and m3 (t-1 @1, 196 ms). The answer on the wire is dropped; the fresh
      // fetch sent at 200 reaches the broker at 210 and finds t-1 readable from its committed
      // offset 1: its answer, carrying t-0 too, arrives at 220, and one poll returns both.
      const { r, lines } = scenario(strategy, 2);
      expect(timeline(r, 'rebalance-end')).toEqual([[200, 'g']]);
      expect(at(lines, 'enqueue').filter(([t]) => t > 0)).toEqual([[195, 2], [196, 3]]);
      expect(lines.filter((l) => l.op === 'deliver' && l.t > 100).map((l) => [l.t, l.msg, l.partition, l.offset]).sort())
        .toEqual([[220, 2, 't-0', 1], [220, 3, 't-1', 1]]);
      expect(outcome(r)).toEqual({ processed: 4, deliveries: 4, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
    });
  }

  it('range (eager): a record of a kept partition in the dropped answer is fetched again', () => {
    // Only m2 (t-0 @1, 196 ms). Eager revokes and reassigns both partitions, so the fresh fetch
    // starts t-0 from its committed offset 1 and finds m2: delivered at 220.
    const { r, lines } = scenario('range', 1);
    expect(at(lines, 'enqueue').filter(([t]) => t > 0)).toEqual([[196, 2]]);
    expect(deliveries(lines).filter(([t]) => t > 100)).toEqual([[220, 2, 1]]);
    expect(outcome(r)).toEqual({ processed: 3, deliveries: 3, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });

  // A fetch answer dropped by a new assignment is fetched again for the partitions kept too:
  // under cooperative-sticky g/0 keeps t-0, and m2, in the dropped answer, is delivered at 220,
  // as under range (it used to stay unread for the whole drain).
  it('cooperative-sticky: a record of the kept partition in the dropped answer is fetched again', () => {
    const { r, lines } = scenario('cooperative-sticky', 1);
    expect(deliveries(lines).filter(([t]) => t > 100)).toEqual([[220, 2, 1]]);
    expect(outcome(r)).toEqual({ processed: 3, deliveries: 3, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });
});

// ---- 6. FIFO and effectively-once over a network ------------------------------------------------

describe('SQS FIFO over a network', () => {
  it('one message group, two consumers: the next message is handed over as the delete lands, one round trip a message', () => {
    // 5 messages in one group, 10 ms each, 4 ms round trip. g/0's receive takes m0 at 2 (g/1's
    // parks: the group is blocked while m0 is in flight); m0 runs 4–14 and its delete lands at
    // 16, which unblocks the group: g/1's parked receive takes m1 at once (answered at 18).
    // So a message every 10 + 4 = 14 ms, alternating consumers: delivered at 4, 18, 32, 46, 60.
    const { r, lines } = traced(`
name: fifo-handoff
duration: 1ms
drain: 100ms
system: { type: queue, queues: [{ name: q.fifo, fifo: true }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 5, keys: { count: 1 } }]
consumers: [{ group: g, instances: 2, service: "const(10ms)", waitTime: 20s, delivery: effectively-once }]
`);
    expect(lines.filter((l) => l.op === 'deliver').map((l) => [l.t, l.msg, l.instance]))
      .toEqual([[4, 0, 'g/0'], [18, 1, 'g/1'], [32, 2, 'g/0'], [46, 3, 'g/1'], [60, 4, 'g/0']]);
    expect(at(lines, 'delete').map(([t]) => t)).toEqual([16, 30, 44, 58, 72]);
    expect(group(r).orderingViolations).toBe(0);
    expect(outcome(r)).toEqual({ processed: 5, deliveries: 5, duplicates: 0, redeliveries: 0, losses: 0, backlogAtEnd: 0 });
  });

  /** One message, a 1 s visibility timeout, 980 ms of work, a 60 ms round trip, two consumers. */
  const late = (delivery: string) => traced(`
name: fifo-late-delete
duration: 1ms
drain: 10s
system: { type: queue, queues: [{ name: q.fifo, fifo: true, visibilityTimeout: 1s }], network: 60ms }
producers: [{ name: p, rate: 0/s, backlog: 1, keys: { count: 1 } }]
consumers: [{ group: g, instances: 2, service: "const(980ms)", waitTime: 20s, delivery: ${delivery} }]
`);

  it('effectively-once: the redelivery after a late delete is recognised and deleted, once', () => {
    // g/0 takes m0 at 30 (visible again at 1030), gets it at 60, applies it at 1040. Its delete
    // lands at 1070, after the window closed: it fails on FIFO. At 1030 g/1's parked receive
    // took m0 (attempt 2), answered at 1060: the store knows it (applied at 1040), so it is
    // suppressed and deleted at once, landing at 1090 within its own window (to 2030).
    const { r, lines } = late('effectively-once');
    expect(deliveries(lines)).toEqual([[60, 0, 1], [1060, 0, 2]]);
    expect(at(lines, 'suppressed')).toEqual([[1060, 0]]);
    expect(at(lines, 'delete')).toEqual([[1090, 0]]);
    expect(group(r).duplicatesSuppressed).toBe(1);
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 2, duplicates: 0, redeliveries: 1, losses: 0, backlogAtEnd: 0 });
  });

  it('at-least-once: the same late delete makes the message come back every second', () => {
    // As on a standard queue (queue/network.test.ts), but the late delete fails instead of
    // succeeding without effect: taken at 30, 1030, …, 9030 (10 deliveries), applied at 1040,
    // …, 9040 (9 times: 8 duplicates) before the run ends at 10,001 ms.
    const { r } = late('at-least-once');
    expect(outcome(r)).toEqual({ processed: 1, deliveries: 10, duplicates: 8, redeliveries: 9, losses: 0, backlogAtEnd: 1 });
  });
});
