/**
 * The conformance matrix: every delivery guarantee × every crash point × every system, on one
 * workload whose outcome is exact by hand.
 *
 * Ten messages, one every 100 ms (at 100, 200, …, 1000 ms), each taking const(50ms) on one
 * consumer instance with one handler, so the instance is idle between messages. The crash point
 * is armed at 260 ms; the next message to reach it is message 3 (arriving at 300 ms), the only
 * one in hand then. The instance restarts 1 s after it goes down; the messages that arrive
 * meanwhile wait for it. Then, for message 3 alone:
 *
 * | guarantee        | crash point              | losses | duplicates | suppressed | redeliveries |
 * |------------------|--------------------------|--------|------------|------------|--------------|
 * | at-most-once     | after-ack-before-process | 1      | 0          | 0          | 0            |
 * | at-most-once     | mid-process              | 1      | 0          | 0          | 0            |
 * | at-least-once    | after-process-before-ack | 0      | 1          | 0          | 1            |
 * | at-least-once    | mid-process              | 0      | 0          | 0          | 1            |
 * | effectively-once | after-process-before-ack | 0      | 0          | 1          | 1            |
 * | effectively-once | mid-process              | 0      | 0          | 0          | 1            |
 *
 * A point a guarantee never reaches (at-most-once acks before processing, the others after)
 * is refused when the scenario loads, on every system alike. What differs between systems is only
 * when message 3 comes back (at the restart, after a visibility timeout, after a rebalance)
 * and what a loss is called. Adding a system means adding a row to SYSTEMS and passing this.
 *
 * The systems with a `network` run the matrix again over a 10 ms round trip, with the same
 * table: message 3 reaches the consumer 5 ms later, and where the settle on receipt waits for
 * its answer (a Kafka commitSync, an SQS delete) the handler starts 10 ms after that. A broker
 * ack is not waited for: an at-most-once consumer that crashes at once has its ack still on
 * the wire, and the ack lands (cause `crash-ack-in-flight`).
 */
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, GUARANTEES, crashPointOccurs, type CrashPoint, type Guarantee } from '../../src/models/consumer.js';
import { group, run } from '../helpers.js';

interface SystemUnderTest {
  /** The scenario's `system:` block, and what the producer and consumer entries add. */
  system: string;
  producer: string;
  consumer: string;
  /** The loss cause of a message acknowledged, then abandoned by a crash. */
  lossCause: string;
  /** Crash points that do not exist for this system, with the reason. */
  skip: Partial<Record<CrashPoint, string>>;
  /** Over a network: how much later message 3 reaches the consumer, and the settle on receipt is answered. */
  network?: { arrivesMs: number; settledMs: number; ackInFlightCause?: string };
}

const SYSTEMS: Record<string, SystemUnderTest> = {
  // The crashed instance's unacked delivery goes back to the head of the queue at once.
  workqueue: {
    system: '{ type: workqueue }',
    producer: '',
    consumer: '',
    lossCause: 'crash-after-ack',
    skip: {},
  },
  // A clean connection close requeues the unacked delivery at once (redelivered flag set).
  broker: {
    system: '{ type: broker, queues: [{ name: g }] }',
    producer: ', routingKey: g',
    consumer: ', prefetch: 1',
    lossCause: 'crash-after-ack',
    skip: {},
  },
  // The crash goes unnoticed: message 3 stays in flight until its visibility timeout (30 s).
  queue: {
    system: '{ type: queue, queues: [{ name: work, visibilityTimeout: 30s }] }',
    producer: '',
    consumer: ', queue: work, waitTime: 20s',
    lossCause: 'crash-after-ack',
    skip: {},
  },
  // One partition: after the session timeout and the rebalance, the restarted instance reads
  // on from the committed offset (a manual commit per batch; each batch is one record here).
  log: {
    system: '{ type: log, topics: [{ name: t, partitions: 1 }] }',
    producer: '',
    consumer: '',
    lossCause: 'crash-after-commit',
    skip: {},
  },
  // A crashed handler fails the call with downstream-crash; the one retry waits in the
  // downstream's wait queue until the restart.
  direct: {
    system: '{ type: direct, retries: 1 }',
    producer: '',
    consumer: '',
    lossCause: 'crash-after-ack',
    skip: {
      'after-ack-before-process':
        'a direct call has no ack of its own before the handler runs: the caller learns the outcome from the response',
    },
  },
};

/** The same system over a 10 ms round trip. */
function overNetwork(s: SystemUnderTest, settledMs: number, ackInFlightCause?: string): SystemUnderTest {
  return { ...s, system: s.system.replace(/ }$/, ', network: 10ms }'), network: { arrivesMs: 5, settledMs, ackInFlightCause } };
}

SYSTEMS['broker over 10 ms'] = overNetwork(SYSTEMS.broker, 0, 'crash-ack-in-flight');
SYSTEMS['queue over 10 ms'] = overNetwork(SYSTEMS.queue, 10);
SYSTEMS['log over 10 ms'] = overNetwork(SYSTEMS.log, 10);

const scenario = (s: SystemUnderTest, guarantee: Guarantee, point: CrashPoint) => `
name: conformance
duration: 1050ms
drain: 2m
system: ${s.system}
producers: [{ name: p, rate: 10/s, arrivals: uniform${s.producer} }]
consumers: [{ group: g, service: const(50ms), delivery: ${guarantee}${s.consumer} }]
faults: [{ kind: crash, group: g, at: 260ms, point: ${point}, restartAfter: 1s }]
`;

interface Outcome {
  losses: number;
  duplicates: number;
  duplicatesSuppressed: number;
  redeliveries: number;
}

/** The table in the header, by hand. */
function expected(guarantee: Guarantee, point: CrashPoint): Outcome {
  const none = { losses: 0, duplicates: 0, duplicatesSuppressed: 0, redeliveries: 0 };
  if (guarantee === 'at-most-once') return { ...none, losses: 1 };
  const repeated = point === 'after-process-before-ack';
  return {
    losses: 0,
    duplicates: repeated && guarantee === 'at-least-once' ? 1 : 0,
    duplicatesSuppressed: repeated && guarantee === 'effectively-once' ? 1 : 0,
    redeliveries: 1,
  };
}

describe.each(Object.entries(SYSTEMS))('%s', (_name, s) => {
  for (const guarantee of GUARANTEES) {
    for (const point of CRASH_POINTS) {
      const reason = s.skip[point];
      const title = `${guarantee} × ${point}`;
      if (reason !== undefined) {
        it.skip(`${title} (skipped: ${reason})`, () => {});
        continue;
      }
      if (!crashPointOccurs(point, guarantee)) {
        it(`${title} is refused: the point never happens`, () => {
          expect(() => run(scenario(s, guarantee, point))).toThrow(`"${point}" never happens under ${guarantee}`);
        });
        continue;
      }
      it(title, () => {
        const r = run(scenario(s, guarantee, point));
        const g = group(r);
        const want = expected(guarantee, point);
        expect(r.summary.produced).toBe(10);
        expect({
          losses: g.losses.total,
          duplicates: g.duplicates,
          duplicatesSuppressed: g.duplicatesSuppressed,
          redeliveries: g.redeliveries,
        }).toEqual(want);
        const ackInFlight = point === 'after-ack-before-process' ? s.network?.ackInFlightCause : undefined;
        expect(g.losses.byCause).toEqual(want.losses > 0 ? { [ackInFlight ?? s.lossCause]: 1 } : {});
        expect(g.processed).toBe(10 - want.losses);
        expect(g.backlogAtEnd).toBe(0);
        // Deliveries: ten first deliveries, plus the redeliveries.
        expect(g.deliveries).toBe(10 + want.redeliveries);
        // Message 3 arrives at 300 ms; a mid-process crash comes halfway through its 50 ms, the
        // after-process one when it is done.
        const startsAt = 300 + (s.network?.arrivesMs ?? 0) + (guarantee === 'at-most-once' ? (s.network?.settledMs ?? 0) : 0);
        const downAt = point === 'after-ack-before-process' ? startsAt : point === 'mid-process' ? startsAt + 25 : startsAt + 50;
        const crashes = r.timeline.filter((e) => e.kind === 'crash');
        expect(crashes.map((e) => [e.tMs, e.subject, e.detail])).toEqual([[downAt, 'g/0', point]]);
        const restarts = r.timeline.filter((e) => e.kind === 'restart').map((e) => e.tMs);
        expect(restarts).toEqual([downAt + 1000]);
      });
    }
  }
});
