/**
 * `system.type: queue`: a managed queue with Amazon SQS semantics (standard and FIFO queues,
 * visibility timeout, long and short polling, redrive to a DLQ, retention, delays, FIFO
 * deduplication and throughput limits, SNS-style fan-out topics, request cost).
 *
 * Settings use SQS attribute names in camelCase, with units (`visibilityTimeout: 30s`). Each
 * `consumers[]` entry polls one queue, and its ledger group is that queue's consumers: a
 * message enters the group's lag when it lands in the queue.
 */
import { z } from 'zod';
import { SqsQueue, DEFAULT_IN_FLIGHT_LIMIT, MAX_VISIBILITY_MS, type QueueOptions } from '../../models/queue/sqs-queue.js';
import { SqsConsumer } from '../../models/queue/poller.js';
import { SqsService, type Route } from '../../models/queue/service.js';
import { PRICE_FIFO, PRICE_STANDARD } from '../../models/queue/cost.js';
import { costSummary, QueueMeter } from '../../observe/systems/queue.js';
import { bounded, bytes, count, duration, name, positiveDuration } from '../fields.js';
import { definePlugin, type At } from './plugin.js';
import { LIMITS } from '../limits.js';
import type { ScenarioIssue } from '../issues.js';
import type { ProducerSpec } from '../schema.js';
import type { Random } from '../../sim/rng.js';
import { networkField, networkOf } from '../network-field.js';

const SECOND = 1000;
const DAY = 86_400_000;
/** High-throughput FIFO calls per second per action (AWS features page; region dependent). */
const HIGH_THROUGHPUT_CALLS = 70_000;
const FIFO_CALLS = 300;
/** MaximumMessageSize bounds: 1 KiB … 1 MiB (the maximum and the default since 2025; 256 KiB before). */
const MIN_MESSAGE_BYTES = 1024;
const MAX_MESSAGE_BYTES = 1_048_576;

const Queue = z.strictObject({
  name: name('The queue; a FIFO queue\'s name ends in .fifo (at most 80 characters).'),
  fifo: z.boolean().default(false).meta({ description: 'A FIFO queue (strict order per message group, deduplication).' }),
  visibilityTimeout: duration('How long a received message stays hidden (0–12h).').default(30 * SECOND),
  messageRetentionPeriod: duration('How long a message is kept (60s–14d).').default(4 * DAY),
  receiveMessageWaitTime: duration('Long-poll wait of receives that give none (0–20s; 0: short polling).').default(0),
  delaySeconds: duration('Delay queue: new messages stay hidden this long (0–15m).').default(0),
  maxReceiveCount: count('Redrive: a receive that would pass this count moves the message to the DLQ.').optional(),
  deadLetterQueue: z.string().optional().meta({ description: 'Redrive target (a queue of the same type); maxReceiveCount defaults to 10.' }),
  contentBasedDeduplication: z.boolean().default(false).meta({
    description: 'FIFO: deduplicate by body hash. Simulated producers always set a MessageDeduplicationId (the message id), so it changes nothing.',
  }),
  deduplicationScope: z.enum(['queue', 'messageGroup']).default('queue').meta({ description: 'FIFO: deduplicate across the queue or per group (high-throughput mode).' }),
  fifoThroughputLimit: z.enum(['perQueue', 'perMessageGroupId']).default('perQueue').meta({
    description: 'FIFO: perQueue allows 300 calls/s per action; with deduplicationScope messageGroup, perMessageGroupId is high-throughput mode (70,000/s).',
  }),
  duplicateProbability: z.number().min(0).max(1).default(0).meta({
    description: 'Standard: probability that a delete misses a server, so the message comes back (at-least-once copies).',
  }),
  outOfOrderProbability: z.number().min(0).max(1).default(0).meta({
    description: 'Standard: probability that a message is delivered after the next one sent to the queue, if both are still waiting (best-effort ordering; AWS publishes no rate, so 0 by default).',
  }),
  maximumMessageSize: bytes('MaximumMessageSize: larger sends are refused (1KB–1MB; default 1MB, the maximum since 2025).').default(MAX_MESSAGE_BYTES),
  inFlightLimit: count('Messages in flight at most; short polls beyond it get OverLimit, long polls nothing.').default(DEFAULT_IN_FLIGHT_LIMIT),
  shortPollServers: count('Virtual servers a queue\'s messages are spread over.', LIMITS.servers).default(4),
  shortPollSampled: count('Servers a short poll queries; fewer than shortPollServers gives false empty receives.').default(2),
  pricePerMillion: z.number().min(0).optional().meta({ description: 'Dollars per million requests; default 0.40 standard, 0.50 FIFO.' }),
});

const Topic = z.strictObject({
  name: name('The topic (SNS-style).'),
  subscriptions: z.array(z.string()).min(1).meta({ description: 'Queues that each get a copy of every message.' }),
});

type QueueSpec = z.output<typeof Queue>;
type TopicSpec = z.output<typeof Topic>;
interface SystemFields {
  queues: QueueSpec[];
  topics: TopicSpec[];
}
interface OnFailureSpec {
  visibility?: number;
  backoff?: number;
  maxBackoff?: number;
}
interface ProducerFields {
  queue?: string;
  topic?: string;
  delaySeconds?: number;
  retry?: { every: number; after: number };
}

export const queue = definePlugin({
  type: 'queue',
  schema: z.strictObject({
    type: z.literal('queue').meta({ description: 'A managed queue with Amazon SQS semantics (standard and FIFO).' }),
    queues: bounded(Queue, LIMITS.entities).min(1).meta({ description: 'The queues (dead-letter queues included).' }),
    topics: z.array(Topic).default([]).meta({ description: 'SNS-style topics fanning out to queues.' }),
    network: networkField(),
  }),
  scaleMetrics: ['visible'],
  consumerFields: {
    queue: z.string().optional().meta({ description: 'queue: the queue this group polls; default the first queue.' }),
    batchSize: z.number().int().min(1).max(10).optional().meta({ description: 'queue: MaxNumberOfMessages per receive (1–10, default 1).' }),
    waitTime: duration('queue: long-poll wait per receive (0–20s; 0: short polling). Default the queue\'s receiveMessageWaitTime.').optional(),
    pollInterval: positiveDuration('queue: pause after an empty short poll (default 1s).').optional(),
    heartbeat: z
      .strictObject({
        every: positiveDuration('How often to call ChangeMessageVisibility while working.'),
        extendTo: positiveDuration('The new visibility timeout, counted from the call (capped at 12h after the receive).'),
      })
      .optional()
      .meta({ description: 'queue: extend the visibility timeout while processing a batch.' }),
    deletes: z.enum(['batch', 'each']).optional().meta({
      description: 'queue: DeleteMessageBatch after the batch (default), or DeleteMessage after each message.',
    }),
    onFailure: z
      .strictObject({
        visibility: duration('ChangeMessageVisibility to this when the handler fails: 0s makes the message visible again at once (a nack); at most 12h.').optional(),
        backoff: positiveDuration('Instead of a fixed visibility: backoff × 2^(receive count − 1), doubling with each receive.').optional(),
        maxBackoff: positiveDuration('With backoff: the largest visibility it sets (default 12h, the SQS maximum).').optional(),
      })
      .optional()
      .meta({ description: 'queue: what the consumer does with a message its handler failed; default nothing, so it waits out the visibility timeout.' }),
  },
  producerFields: {
    queue: z.string().optional().meta({ description: 'queue: the queue to send to; default the first queue.' }),
    topic: z.string().optional().meta({ description: 'queue: publish to this topic instead of a queue.' }),
    delaySeconds: duration('queue: per-message timer (standard queues only, 0–15m).').optional(),
    retry: z
      .strictObject({
        every: count('Every n-th message is sent again.'),
        after: positiveDuration('How long after the first send (a lost response, then a retry).'),
      })
      .optional()
      .meta({ description: 'queue: producer retries of the same message (FIFO deduplicates them within 5 minutes).' }),
  },
  costs(spec, endMs) {
    return spec.consumers.map((c, i) => ({
      what: `polls and heartbeats of consumers[${i}]`,
      path: ['consumers', i],
      // An idle instance receives once per pollInterval (+ its long-poll wait); a busy one
      // extends visibility once per heartbeat.every per handler.
      events: c.instances * endMs * (1 / ((c.pollInterval ?? SECOND) + (c.waitTime ?? 0)) +
        (c.heartbeat === undefined ? 0 : c.concurrency / c.heartbeat.every)),
    }));
  },
  check({ spec }, at, issues) {
    const system = spec.system;
    checkQueues(system, at, issues);
    const byName = new Map(system.queues.map((q) => [q.name, q]));
    const topics = new Map(system.topics.map((t) => [t.name, t]));
    const polled = new Map<string, number>();
    spec.consumers.forEach((raw, c) => {
      const consumer = raw;
      const name = consumer.queue ?? system.queues[0].name;
      if (!byName.has(name)) issues.push(at(['consumers', c, 'queue'], unknownQueue(name, byName)));
      const other = polled.get(name);
      if (other !== undefined) {
        issues.push(at(['consumers', c, 'queue'], `queue "${name}" is already polled by consumers[${other}]; ` +
          'give one consumers[] entry per queue (more instances or concurrency for more pollers)'));
      }
      polled.set(name, c);
      if (consumer.waitTime !== undefined && consumer.waitTime > 20 * SECOND) {
        issues.push(at(['consumers', c, 'waitTime'], 'the long-poll wait is at most 20s'));
      }
      checkOnFailure(consumer.onFailure, ['consumers', c, 'onFailure'], at, issues);
    });
    spec.producers.forEach((raw, p) => {
      const producer = raw;
      if (producer.queue !== undefined && producer.topic !== undefined) {
        issues.push(at(['producers', p, 'topic'], 'send to a queue or publish to a topic, not both'));
        return;
      }
      let targets: string[] = [system.queues[0].name];
      if (producer.topic !== undefined) {
        const topic = topics.get(producer.topic);
        if (topic === undefined) return void issues.push(at(['producers', p, 'topic'], `no topic "${producer.topic}"`));
        targets = topic.subscriptions;
      } else if (producer.queue !== undefined) {
        if (!byName.has(producer.queue)) return void issues.push(at(['producers', p, 'queue'], unknownQueue(producer.queue, byName)));
        targets = [producer.queue];
      }
      for (const target of targets) {
        const q = byName.get(target);
        if (q === undefined || !q.fifo) continue;
        if (raw.keys === null) {
          issues.push(at(['producers', p, 'keys'], `queue "${target}" is FIFO: messages need a MessageGroupId, ` +
            'which is the message key: give the producer `keys`'));
        }
        if (producer.delaySeconds !== undefined) {
          issues.push(at(['producers', p, 'delaySeconds'], `queue "${target}" is FIFO: FIFO queues have no per-message delay`));
        }
      }
      if (producer.delaySeconds !== undefined && producer.delaySeconds > 15 * 60_000) {
        issues.push(at(['producers', p, 'delaySeconds'], 'a message delay is at most 15m'));
      }
    });
  },
  wire({ kernel, ledger, rng, scenario, groups, instanceOptions }) {
    const { spec } = scenario;
    const system = spec.system;
    const endMs = spec.duration + spec.drain;
    const meters = system.queues.map((q) => new QueueMeter(q.name, queueOptions(q).pricePerMillion));
    const queues = system.queues.map(
      (q, i) => new SqsQueue(kernel, ledger, queueOptions(q), rng.stream(`queue/${q.name}/short-poll`), rng.stream(`queue/${q.name}/copies`),
        rng.stream(`queue/${q.name}/order`), meters[i]),
    );
    const find = (name: string): SqsQueue => queues.find((q) => q.name === name) as SqsQueue;
    system.queues.forEach((q, i) => {
      if (q.deadLetterQueue !== undefined) queues[i].deadLetterQueue = find(q.deadLetterQueue);
    });
    const consumerQueues = spec.consumers.map((c) => find(c.queue ?? queues[0].name));
    consumerQueues.forEach((q, c) => (q.group = groups[c]));
    // A queue nobody polls (a DLQ, a queue whose consumers are not modelled) is a group of its
    // own, named after it, so its dead letters, expiries and backlog are counted.
    for (const q of queues) if (q.group < 0) q.group = ledger.addGroup(q.name);
    const service = new SqsService(kernel, ledger, queues,
      spec.producers.map((p) => route(p, system, find, rng.stream(`producer/${p.name}/sdk-retry`))));
    const network = networkOf(system.network, rng);
    const instances = spec.consumers.map((raw, c) => {
      const consumer = raw;
      const q = consumerQueues[c];
      return Array.from({ length: raw.instances }, (_, index) => {
        const poller = new SqsConsumer(kernel, ledger, {
          base: instanceOptions(c, index),
          queue: q,
          batchSize: consumer.batchSize ?? 1,
          waitMs: consumer.waitTime ?? q.options.receiveWaitMs,
          pollIntervalMs: consumer.pollInterval ?? SECOND,
          heartbeat: consumer.heartbeat === undefined ? null : { everyMs: consumer.heartbeat.every, extendMs: consumer.heartbeat.extendTo },
          deletes: consumer.deletes ?? 'batch',
          failureVisibility: failureVisibility(consumer.onFailure),
          network,
          endMs,
        });
        // The others (startAt, or an autoscaler's) start their loops when they come up.
        if (poller.alive) kernel.at(0, startPoller, poller);
        return poller;
      });
    });
    return {
      system: service,
      instances,
      scaleMetric: (c) => consumerQueues[c].visible,
      gauges: queues.flatMap((q, i) => [
        ...q.gauges(),
        { metric: 'emptyReceives', subject: q.name, read: () => meters[i].emptyReceives },
      ]),
      figures: (result) => ({
        cost: costSummary(meters, Object.values(result.summary.groups).reduce((s, g) => s + g.processed, 0)),
        charts: [
          ...(result.charts ?? []),
          { name: 'queue-messages', title: 'Queue: visible and in-flight messages', yLabel: 'messages', metrics: ['visible', 'inFlight'] },
          { name: 'queue-empty-receives', title: 'Queue: empty receives (cumulative)', yLabel: 'receives', metrics: ['emptyReceives'] },
        ],
      }),
    };
  },
});

/** At 0 s, after the faults of that instant: an instance a crash took down first stays down. */
function startPoller(poller: SqsConsumer): void {
  if (poller.accepting) poller.startLoops();
}

function queueOptions(q: QueueSpec): QueueOptions {
  const highThroughput = q.deduplicationScope === 'messageGroup' && q.fifoThroughputLimit === 'perMessageGroupId';
  return {
    name: q.name,
    fifo: q.fifo,
    visibilityTimeoutMs: q.visibilityTimeout,
    retentionMs: q.messageRetentionPeriod,
    delayMs: q.delaySeconds,
    receiveWaitMs: q.receiveMessageWaitTime,
    maxReceiveCount: q.deadLetterQueue === undefined ? Infinity : (q.maxReceiveCount ?? 10),
    duplicateProbability: q.fifo ? 0 : q.duplicateProbability,
    outOfOrderProbability: q.fifo ? 0 : q.outOfOrderProbability,
    inFlightLimit: q.inFlightLimit,
    maximumMessageSizeBytes: q.maximumMessageSize,
    callsPerSecond: !q.fifo ? Infinity : highThroughput ? HIGH_THROUGHPUT_CALLS : FIFO_CALLS,
    servers: q.shortPollServers,
    sampledServers: q.shortPollSampled,
    pricePerMillion: q.pricePerMillion ?? (q.fifo ? PRICE_FIFO : PRICE_STANDARD),
  };
}

function route(
  p: ProducerSpec & ProducerFields,
  system: SystemFields,
  find: (name: string) => SqsQueue,
  jitter: Random,
): Route {
  const producer = p;
  const names = producer.topic !== undefined
    ? (system.topics.find((t) => t.name === producer.topic) as TopicSpec).subscriptions
    : [producer.queue ?? system.queues[0].name];
  return {
    queues: names.map(find),
    viaTopic: producer.topic !== undefined,
    bytes: p.messageSize,
    jitter,
    delayMs: producer.delaySeconds ?? null,
    retryEvery: producer.retry?.every ?? 0,
    retryAfterMs: producer.retry?.after ?? 0,
  };
}

function checkOnFailure(f: OnFailureSpec | undefined, path: (string | number)[], at: At, issues: ScenarioIssue[]): void {
  if (f === undefined) return;
  if ((f.visibility === undefined) === (f.backoff === undefined)) {
    issues.push(at(path, 'give either visibility (a fixed ChangeMessageVisibility) or backoff, not both or neither'));
  }
  if (f.maxBackoff !== undefined && f.backoff === undefined) issues.push(at([...path, 'maxBackoff'], 'maxBackoff goes with backoff'));
  for (const key of ['visibility', 'backoff', 'maxBackoff'] as const) {
    if ((f[key] ?? 0) > MAX_VISIBILITY_MS) issues.push(at([...path, key], 'a visibility timeout is at most 12h'));
  }
}

/** The visibility a failed message gets on its `receives`-th receive; null: leave it alone. */
function failureVisibility(f: OnFailureSpec | undefined): ((receives: number) => number) | null {
  if (f === undefined) return null;
  if (f.visibility !== undefined) {
    const ms = f.visibility;
    return () => ms;
  }
  const first = f.backoff as number;
  const max = f.maxBackoff ?? MAX_VISIBILITY_MS;
  return (receives) => Math.min(max, first * 2 ** (receives - 1));
}

function checkQueues(system: SystemFields, at: At, issues: ScenarioIssue[]): void {
  const byName = new Map<string, QueueSpec>();
  system.queues.forEach((q, i) => {
    const path = ['system', 'queues', i];
    if (byName.has(q.name)) issues.push(at([...path, 'name'], `queue "${q.name}" is defined twice`));
    byName.set(q.name, q);
    if (q.name.length > 80) issues.push(at([...path, 'name'], 'a queue name has at most 80 characters'));
    if (q.fifo !== q.name.endsWith('.fifo')) {
      issues.push(at([...path, 'name'], q.fifo ? 'a FIFO queue\'s name must end in .fifo' : 'only a FIFO queue\'s name ends in .fifo; add `fifo: true`'));
    }
    if (q.visibilityTimeout > MAX_VISIBILITY_MS) issues.push(at([...path, 'visibilityTimeout'], 'the visibility timeout is at most 12h'));
    if (q.messageRetentionPeriod < 60 * SECOND || q.messageRetentionPeriod > 14 * DAY) {
      issues.push(at([...path, 'messageRetentionPeriod'], 'the retention period is between 60s and 14d'));
    }
    if (q.receiveMessageWaitTime > 20 * SECOND) issues.push(at([...path, 'receiveMessageWaitTime'], 'the long-poll wait is at most 20s'));
    if (q.delaySeconds > 15 * 60_000) issues.push(at([...path, 'delaySeconds'], 'the queue delay is at most 15m'));
    if (q.maximumMessageSize < MIN_MESSAGE_BYTES || q.maximumMessageSize > MAX_MESSAGE_BYTES) {
      issues.push(at([...path, 'maximumMessageSize'], 'MaximumMessageSize is between 1KB and 1MB (1,024 … 1,048,576 bytes)'));
    }
    if (q.maxReceiveCount !== undefined && q.deadLetterQueue === undefined) {
      issues.push(at([...path, 'maxReceiveCount'], 'maxReceiveCount is part of a redrive policy: give a deadLetterQueue'));
    }
    if (!q.fifo && (q.contentBasedDeduplication || q.deduplicationScope !== 'queue' || q.fifoThroughputLimit !== 'perQueue')) {
      issues.push(at([...path, 'fifo'], 'deduplication and throughput settings apply to FIFO queues only'));
    }
  });
  system.queues.forEach((q, i) => {
    if (q.deadLetterQueue === undefined) return;
    const path = ['system', 'queues', i, 'deadLetterQueue'];
    const dlq = byName.get(q.deadLetterQueue);
    if (dlq === undefined) issues.push(at(path, unknownQueue(q.deadLetterQueue, byName)));
    else if (dlq.name === q.name) issues.push(at(path, 'a queue cannot be its own dead-letter queue'));
    else if (dlq.fifo !== q.fifo) issues.push(at(path, 'the dead-letter queue must be of the same type (FIFO for a FIFO queue)'));
  });
  const topicNames = new Set<string>();
  system.topics.forEach((t, i) => {
    if (topicNames.has(t.name)) issues.push(at(['system', 'topics', i, 'name'], `topic "${t.name}" is defined twice`));
    topicNames.add(t.name);
    t.subscriptions.forEach((s, k) => {
      if (!byName.has(s)) issues.push(at(['system', 'topics', i, 'subscriptions', k], unknownQueue(s, byName)));
    });
  });
}

function unknownQueue(name: string, byName: Map<string, unknown>): string {
  return `no queue "${name}"; queues are ${[...byName.keys()].join(', ')}`;
}
