/**
 * `system.type: log`: Kafka-like topics of partitions, consumer groups with offsets and
 * rebalances, retention and replays (src/models/log). Settings use Kafka's names in camelCase
 * without the unit suffix (`session.timeout.ms` → `sessionTimeout: 45s`).
 */
import { z } from 'zod';
import {
  ASSIGNMENT_STRATEGIES,
  COMMIT_EVERY,
  KeyPartitionCache,
  LogConsumer,
  LogProducerClient,
  LogGroup,
  LogSystem,
  Member,
  NULL_KEY_PARTITIONERS,
  OFFSET_RESETS,
  Partitioner,
  BrokerNode,
  type Acks,
  type AssignmentStrategy,
  type CommitEvery,
  type NullKeyPartitioner,
  type OffsetReset,
  type ReplayTarget,
  type TopicConfig,
} from '../../models/log/index.js';
import type { Result } from '../../observe/result.js';
import { PartitionLagMeter } from '../../observe/systems/log.js';
import { bounded, bytes, count, duration, name, positiveDuration } from '../fields.js';
import { definePlugin } from './plugin.js';
import { RANDOM_FAILURE_FIELDS, randomFailures, upDownTimes } from '../fault-times.js';
import { networkField, networkOf } from '../network-field.js';
import { scheduleFaults } from '../../models/faults.js';
import { dirname } from 'node:path';
import { LIMITS } from '../limits.js';

const DAY_MS = 86_400_000;

const probability = (description: string) => z.number().min(0).max(1).default(0).meta({ description });

/** acks: 0, 1, all (or −1, its other spelling). */
const Acks = z.union([z.literal(0), z.literal(1), z.literal(-1), z.literal('all')], { error: 'expected 0, 1 or all (or -1)' })
  .transform((a): Acks => (a === -1 ? 'all' : a));

const Topic = z.strictObject({
  name: name('The topic.'),
  partitions: count('Partitions (num.partitions; Kafka default 1).', LIMITS.partitions).default(1),
  retention: positiveDuration('retention.ms: records older than this go, a whole segment at a time.').default(7 * DAY_MS),
  retentionBytes: bytes('retention.bytes per partition; omit for unlimited (Kafka −1).').optional(),
  segmentBytes: bytes('segment.bytes: a segment rolls at this size (Kafka 1GB).').default(1024 ** 3),
  segmentRoll: positiveDuration('segment.ms: a segment rolls at this age (Kafka 7d).').default(7 * DAY_MS),
  replicationFactor: count('Replicas per partition (default.replication.factor; Kafka default 1).').default(1),
  minInsyncReplicas: count('min.insync.replicas: acks=all writes fail while fewer replicas are in sync (Kafka 1).').default(1),
});

const ReplayTo = z.union([
  z.enum(['beginning', 'end']),
  z.strictObject({ offset: z.number().int().min(0).meta({ description: 'This offset in every partition.' }) }),
  z.strictObject({ ago: positiveDuration('The first record appended at or after now − ago (offsetsForTimes).') }),
  z.strictObject({ time: duration('The first record appended at or after this simulated time.') }),
]);

const Replay = z.strictObject({
  group: z.string().meta({ description: 'The consumer group that seeks.' }),
  at: duration('When the seek happens.'),
  to: ReplayTo.meta({ description: 'beginning, end, { offset: n }, { ago: 6h } or { time: 2h }.' }),
});

const SYSTEM = z.strictObject({
  type: z.literal('log').meta({
    description: 'A Kafka-like log: partitioned topics, consumer groups with offsets, retention.',
  }),
  topics: bounded(Topic, LIMITS.entities).min(1),
  retentionCheckInterval: positiveDuration('log.retention.check.interval.ms (Kafka 5m).').default(300_000),
  offsetsRetention: positiveDuration('offsets.retention.minutes: committed offsets of a group with no member expire after this (Kafka 7d).').default(7 * DAY_MS),
  groupMinSessionTimeout: positiveDuration('group.min.session.timeout.ms: the shortest sessionTimeout the broker accepts (Kafka 6s).').default(6000),
  groupMaxSessionTimeout: positiveDuration('group.max.session.timeout.ms: the longest sessionTimeout the broker accepts (Kafka 30m).').default(1_800_000),
  groupInitialRebalanceDelay: duration('group.initial.rebalance.delay.ms: an empty group\'s first rebalance waits this long for more members (Kafka 3s).').default(3000),
  offsetsRetentionCheckInterval: positiveDuration('offsets.retention.check.interval.ms (Kafka 10m).').default(600_000),
  network: networkField(),
  partitionIncreases: z.array(z.strictObject({
    topic: z.string().meta({ description: 'The topic that grows.' }),
    at: duration('When the partitions are added.'),
    partitions: count('The new partition count (more than before).', LIMITS.partitions),
  })).default([]).meta({
    description: 'Partition-count increases: keys remap (per-key order breaks across the change) and groups rebalance.',
  }),
  messageMaxBytes: bytes('message.max.bytes: the largest record batch a broker accepts (Kafka 1MB + 12B).').default(1_048_588),
  brokers: count('Brokers in the cluster; partition i has its replicas on brokers i, i+1, … (queuesim default 3).', LIMITS.servers).default(3),
  replicationDelay: duration('Time for a record to reach the followers (queuesim; default 5ms).').default(5),
  brokerSessionTimeout: positiveDuration('broker.session.timeout.ms: how long a crashed broker goes unnoticed (Kafka 9s).').default(9000),
  uncleanLeaderElection: z.boolean().default(false).meta({
    description: 'unclean.leader.election.enable: an out-of-sync replica may lead, losing what it lacks (Kafka false).',
  }),
  brokerFaults: z.array(z.strictObject({
    at: duration('When the fault starts.'),
    for: positiveDuration('How long it lasts.'),
    lostAcks: probability('Probability that the answer to a write that landed is lost (the producer times out and retries).'),
    failedWrites: probability('Probability that a write fails and stores nothing (the producer retries after a backoff).'),
  })).default([]).meta({ description: 'Flaky-broker windows: writes fail, or land while their acks are lost.' }),
  brokerCrashes: z.array(z.union([
    z.strictObject({
      broker: z.number().int().min(0).meta({ description: 'The broker (0 … brokers − 1).' }),
      at: duration('When it crashes.'),
      for: positiveDuration('How long it stays down; omit to keep it down.').optional(),
    }),
    z.strictObject({
      broker: z.union([z.number().int().min(0), z.literal('all')]).default('all').meta({
        description: 'The broker (0 … brokers − 1), or all (default): each on a seeded stream of its own.',
      }),
      ...RANDOM_FAILURE_FIELDS,
    }),
  ], { error: 'expected { broker, at, for } (a crash at a time) or { broker, mtbf, mttr, from, until } (crashes at random)' }))
    .default([]).meta({
    description: 'Broker crashes, at a time (`at`, `for`) or at random (`mtbf`, `mttr`): its partitions lose their ' +
      'leader until the controller notices and elects another.',
  }),
  replays: z.array(Replay).default([]).meta({
    description: 'Scheduled seeks of a group (reprocess after a bug fix); counted as replayed.',
  }),
});

interface LogProducerSpec {
  topic?: string;
  partitioner?: NullKeyPartitioner;
  batchSize?: number;
  acks?: Acks;
  enableIdempotence?: boolean;
  maxInFlight?: number;
  retries?: number;
  deliveryTimeout?: number;
  requestTimeout?: number;
  retryBackoff?: number;
  retryBackoffMax?: number;
  maxRequestSize?: number;
  messageSize: number;
}

const RETRIES_MAX = 2_147_483_647;
/** session.timeout.ms and heartbeat.interval.ms defaults of the Kafka consumer (3.0+). */
const SESSION_TIMEOUT_MS = 45_000;
const HEARTBEAT_INTERVAL_MS = 3000;

interface LogConsumerSpec {
  group: string;
  instances: number;
  concurrency: number;
  delivery: string;
  topics?: string[];
  maxPollRecords?: number;
  enableAutoCommit?: boolean;
  autoCommitInterval?: number;
  commitEvery?: CommitEvery;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  maxPollInterval?: number;
  autoOffsetReset?: OffsetReset;
  partitionAssignmentStrategy?: AssignmentStrategy;
  rebalanceTime?: number;
}

export const log = definePlugin({
  type: 'log',
  schema: SYSTEM,
  scaleMetrics: ['lag'],
  producerFields: {
    topic: z.string().optional().meta({ description: 'log: the topic written to; default the first topic.' }),
    partitioner: z.enum(NULL_KEY_PARTITIONERS).optional().meta({
      description: 'log: records without a key go to a sticky partition (default; switches after batchSize bytes) or round-robin.',
    }),
    batchSize: bytes('log: batch.size, the sticky partitioner switches after this many bytes (Kafka 16KB).').optional(),
    acks: Acks.optional().meta({
      description: 'log: 0 (fire and forget), 1 (the leader has it) or all (every in-sync replica has it; Kafka default).',
    }),
    enableIdempotence: z.boolean().optional().meta({
      description: 'log: enable.idempotence (Kafka default true unless acks, retries or maxInFlight conflict): ' +
        'the broker drops a retried copy and keeps order.',
    }),
    maxInFlight: count('log: max.in.flight.requests.per.connection (Kafka 5); above 1 without idempotence a retry can reorder.').optional(),
    retries: z.number().int().min(0).optional().meta({ description: 'log: retries (Kafka 2147483647; deliveryTimeout bounds them).' }),
    deliveryTimeout: positiveDuration('log: delivery.timeout.ms, after which the producer gives up on a record (Kafka 2m).').optional(),
    requestTimeout: positiveDuration('log: request.timeout.ms, wait for a lost ack before retrying (Kafka 30s).').optional(),
    retryBackoff: duration('log: retry.backoff.ms, the first backoff, doubling per failure (Kafka 100ms).').optional(),
    retryBackoffMax: duration('log: retry.backoff.max.ms, the largest backoff (Kafka 1s).').optional(),
    maxRequestSize: bytes('log: max.request.size, the producer refuses a larger record (Kafka 1MB).').optional(),
  },
  consumerFields: {
    topics: z.array(z.string()).min(1).optional().meta({ description: 'log: subscribed topics; default all.' }),
    maxPollRecords: count('log: max.poll.records (Kafka 500).').optional(),
    enableAutoCommit: z.boolean().optional().meta({
      description: 'log: commit the positions of earlier polls every autoCommitInterval instead of ' +
        'committing per `delivery` (default false here; the Kafka client default is true).',
    }),
    autoCommitInterval: positiveDuration('log: auto.commit.interval.ms (Kafka 5s).').optional(),
    commitEvery: z.enum(COMMIT_EVERY).optional().meta({
      description: 'log: manual commits after processing, per poll batch (default) or per record.',
    }),
    sessionTimeout: positiveDuration('log: session.timeout.ms, how long a crash goes unnoticed (Kafka 45s).').optional(),
    heartbeatInterval: positiveDuration('log: heartbeat.interval.ms, how often a live member heartbeats (Kafka 3s).').optional(),
    maxPollInterval: positiveDuration('log: max.poll.interval.ms, longest batch before the member leaves (Kafka 5m).').optional(),
    autoOffsetReset: z.enum(OFFSET_RESETS).optional().meta({
      description: 'log: auto.offset.reset, where a group below the log start resumes (Kafka latest).',
    }),
    partitionAssignmentStrategy: z.enum(ASSIGNMENT_STRATEGIES).optional().meta({
      description: 'log: partition.assignment.strategy (Kafka range).',
    }),
    rebalanceTime: duration('log: JoinGroup/SyncGroup time once all members rejoined (queuesim; default 1s).').optional(),
  },
  costs(spec, endMs, messages) {
    const system = spec.system;
    const partitions = system.topics.reduce((sum, t) => sum + t.partitions * t.replicationFactor, 0);
    const replicated = system.topics.some((t) => t.replicationFactor > 1);
    const consumers = spec.consumers;
    return [
      { what: 'retention checks (per partition)', path: ['system', 'retentionCheckInterval'],
        events: (endMs / system.retentionCheckInterval) * partitions },
      { what: 'offset expiry checks', path: ['system', 'offsetsRetentionCheckInterval'],
        events: (endMs / system.offsetsRetentionCheckInterval) * consumers.length },
      { what: 'follower fetches', path: ['system', 'replicationDelay'],
        events: replicated ? Math.min(messages, (endMs / Math.max(system.replicationDelay, 1e-3)) * partitions) : 0 },
      ...consumers.map((c, i) => ({
        what: `commits and poll checks of consumers[${i}]`, path: ['consumers', i],
        events: c.instances * endMs * ((c.enableAutoCommit ? 1 / (c.autoCommitInterval ?? 5000) : 0) + 1 / (c.maxPollInterval ?? 300_000)),
      })),
    ];
  },
  check(scenario, at, issues) {
    const spec = scenario.spec;
    const system = spec.system;
    const topics = system.topics.map((t) => t.name);
    system.topics.forEach((t, i) => {
      if (topics.indexOf(t.name) !== i) issues.push(at(['system', 'topics', i, 'name'], `topic "${t.name}" is defined twice`));
    });
    const unknownTopic = (path: (string | number)[], topic: string): void => {
      if (!topics.includes(topic)) issues.push(at(path, `no topic "${topic}"; topics are ${topics.join(', ')}`));
    };
    spec.producers.forEach((p, i) => {
      const own: LogProducerSpec = p;
      if (own.topic !== undefined) unknownTopic(['producers', i, 'topic'], own.topic);
      if (own.enableIdempotence === true) {
        const conflict = idempotenceConflict(own);
        if (conflict !== null) issues.push(at(['producers', i, 'enableIdempotence'], `idempotence requires ${conflict} (Kafka's ConfigException)`));
      }
      const requestTimeout = own.requestTimeout ?? 30_000;
      if (own.deliveryTimeout !== undefined && own.deliveryTimeout < requestTimeout) {
        issues.push(at(['producers', i, 'deliveryTimeout'], `must be at least requestTimeout (${requestTimeout} ms), as Kafka requires`));
      }
    });
    system.topics.forEach((t, i) => {
      if (t.replicationFactor > system.brokers) {
        issues.push(at(['system', 'topics', i, 'replicationFactor'], `${t.replicationFactor} replicas need as many brokers; there are ${system.brokers}`));
      }
      if (t.minInsyncReplicas > t.replicationFactor) {
        issues.push(at(['system', 'topics', i, 'minInsyncReplicas'],
          `more than the ${t.replicationFactor} replicas: every acks=all write would fail`));
      }
    });
    system.brokerCrashes.forEach((c, i) => {
      if (c.broker !== 'all' && c.broker >= system.brokers) {
        issues.push(at(['system', 'brokerCrashes', i, 'broker'], `no broker ${c.broker}; brokers are 0 … ${system.brokers - 1}`));
      }
      if ('mtbf' in c) upDownTimes(c, ['system', 'brokerCrashes', i], at, issues, dirname(scenario.file));
    });
    spec.consumers.forEach((c, i) => {
      const own: LogConsumerSpec = c;
      own.topics?.forEach((t, k) => unknownTopic(['consumers', i, 'topics', k], t));
      if (c.concurrency !== 1) {
        issues.push(at(['consumers', i, 'concurrency'],
          'a log consumer processes its poll loop on one thread: use more instances (and partitions) instead'));
      }
      if (own.enableAutoCommit === true && c.delivery === 'at-most-once') {
        issues.push(at(['consumers', i, 'enableAutoCommit'],
          'at-most-once commits before processing; turn enableAutoCommit off (auto-commit is at-least-once)'));
      }
      const session = own.sessionTimeout ?? SESSION_TIMEOUT_MS;
      if (session < system.groupMinSessionTimeout || session > system.groupMaxSessionTimeout) {
        // The broker answers INVALID_SESSION_TIMEOUT to the JoinGroup.
        issues.push(at(own.sessionTimeout === undefined ? ['consumers', i] : ['consumers', i, 'sessionTimeout'],
          `sessionTimeout ${session} ms is outside the range the broker allows, ${system.groupMinSessionTimeout} … ` +
          `${system.groupMaxSessionTimeout} ms (group.min.session.timeout.ms … group.max.session.timeout.ms): ` +
          'the JoinGroup fails with INVALID_SESSION_TIMEOUT'));
      }
      if ((own.heartbeatInterval ?? HEARTBEAT_INTERVAL_MS) >= session) {
        issues.push(at(['consumers', i, own.heartbeatInterval === undefined ? 'sessionTimeout' : 'heartbeatInterval'],
          `heartbeatInterval must be lower than sessionTimeout (${session} ms), as the Kafka client requires`));
      }
      if (own.commitEvery !== undefined && (own.enableAutoCommit === true || c.delivery === 'at-most-once')) {
        issues.push(at(['consumers', i, 'commitEvery'],
          'commitEvery applies to manual commits after processing (at-least-once or effectively-once without enableAutoCommit)'));
      }
    });
    const groups = spec.consumers.map((c) => c.group);
    if (groups.length === 0) {
      // Lag, losses to retention and backlogs are a consumer group's: with none, nothing counts.
      issues.push(at(['consumers'], 'a log counts lag and losses per consumer group: give at least one ' +
        '(a group can sit idle behind a crash fault)'));
    }
    const endMs = spec.duration + spec.drain;
    const counts = new Map(system.topics.map((t) => [t.name, t.partitions]));
    [...system.partitionIncreases].map((inc, i) => ({ inc, i })).sort((a, b) => a.inc.at - b.inc.at).forEach(({ inc, i }) => {
      const before = counts.get(inc.topic);
      if (before === undefined) {
        unknownTopic(['system', 'partitionIncreases', i, 'topic'], inc.topic);
        return;
      }
      if (inc.partitions <= before) {
        issues.push(at(['system', 'partitionIncreases', i, 'partitions'],
          `topic "${inc.topic}" already has ${before} partitions then; Kafka can only add partitions`));
      }
      if (inc.at >= endMs) issues.push(at(['system', 'partitionIncreases', i, 'at'], 'the increase would happen after the run ends'));
      counts.set(inc.topic, Math.max(before, inc.partitions));
    });
    system.replays.forEach((r, i) => {
      if (!groups.includes(r.group)) issues.push(at(['system', 'replays', i, 'group'], `no consumer group "${r.group}"; groups are ${groups.join(', ')}`));
      if (r.at >= endMs) issues.push(at(['system', 'replays', i, 'at'], 'the replay would happen after the run ends'));
    });
  },
  wire({ kernel, ledger, rng, scenario, groups, instanceOptions }) {
    const { spec } = scenario;
    const system = spec.system;
    const topics: TopicConfig[] = system.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      maxPartitions: Math.max(t.partitions, ...system.partitionIncreases.filter((i) => i.topic === t.name).map((i) => i.partitions)),
      retention: {
        retentionMs: t.retention,
        retentionBytes: t.retentionBytes ?? Infinity,
        segmentBytes: t.segmentBytes,
        segmentMs: t.segmentRoll,
      },
      replicationFactor: t.replicationFactor,
      minInsyncReplicas: t.minInsyncReplicas,
    }));
    const lags = new PartitionLagMeter(topics.reduce((n, t) => n + t.maxPartitions, 0));
    const log = new LogSystem(kernel, ledger, topics, {
      brokers: system.brokers,
      replicationDelayMs: system.replicationDelay,
      brokerSessionTimeoutMs: system.brokerSessionTimeout,
      uncleanLeaderElection: system.uncleanLeaderElection,
    }, lags);
    const caches = new Map<number, KeyPartitionCache>();
    spec.producers.forEach((p, index) => {
      const own: LogProducerSpec = p;
      const topic = own.topic === undefined ? 0 : log.topicIndex(own.topic);
      let cache = caches.get(topic);
      if (cache === undefined) {
        cache = new KeyPartitionCache(ledger.keyCount, topics[topic].partitions, (k) => ledger.keyName(k));
        caches.set(topic, cache);
      }
      const partitioner = new Partitioner(cache, topics[topic].partitions, own.partitioner ?? 'sticky',
        own.batchSize ?? 16_384, rng.stream(`producer/${p.name}/partitioner`));
      log.addProducer(new LogProducerClient(kernel, ledger, log, {
        index,
        firstPartition: log.firstPartition(topic),
        sizeBytes: p.messageSize,
        partitioner,
        acks: own.acks ?? 'all',
        // Kafka turns idempotence on by default only when nothing conflicts with it.
        idempotent: own.enableIdempotence ?? idempotenceConflict(own) === null,
        maxInFlight: own.maxInFlight ?? 5,
        retries: own.retries ?? RETRIES_MAX,
        deliveryTimeoutMs: own.deliveryTimeout ?? 120_000,
        requestTimeoutMs: own.requestTimeout ?? 30_000,
        retryBackoffMs: own.retryBackoff ?? 100,
        retryBackoffMaxMs: own.retryBackoffMax ?? 1000,
        maxRequestSizeBytes: own.maxRequestSize ?? 1_048_576,
        messageMaxBytes: system.messageMaxBytes,
      }));
    });
    const sizes = log.topicSizes();
    const groupStates = spec.consumers.map((c, ci) => {
      const own: LogConsumerSpec = c;
      const group = new LogGroup(kernel, ledger, {
        name: c.group,
        ledgerGroup: groups[ci],
        topics: own.topics ?? system.topics.map((t) => t.name),
        strategy: own.partitionAssignmentStrategy ?? 'range',
        sessionTimeoutMs: own.sessionTimeout ?? SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: own.heartbeatInterval ?? HEARTBEAT_INTERVAL_MS,
        maxPollIntervalMs: own.maxPollInterval ?? 300_000,
        initialRebalanceDelayMs: system.groupInitialRebalanceDelay,
        rebalanceMs: own.rebalanceTime ?? 1000,
        autoOffsetReset: own.autoOffsetReset ?? 'latest',
        offsetsRetentionMs: system.offsetsRetention,
        offsetsRetentionCheckMs: system.offsetsRetentionCheckInterval,
      }, log.partitions, sizes);
      log.addGroup(group);
      return group;
    });
    const network = networkOf(system.network, rng);
    const instances = spec.consumers.map((c, ci) => {
      const own: LogConsumerSpec = c;
      const group = groupStates[ci];
      const consumers = Array.from({ length: c.instances }, (_, index) => new LogConsumer(kernel, ledger, group, log.partitions, {
        instance: instanceOptions(ci, index),
        maxPollRecords: own.maxPollRecords ?? 500,
        enableAutoCommit: own.enableAutoCommit ?? false,
        autoCommitIntervalMs: own.autoCommitInterval ?? 5000,
        commitEvery: own.commitEvery ?? 'batch',
        network,
      }));
      // Instances not up at 0 s (a group with startAt, or not yet started by an autoscaler)
      // join later, as restarted ones do.
      group.start(consumers.filter((consumer) => consumer.alive).map((consumer) => {
        const member = new Member(consumer.newMember(), consumer);
        consumer.member = member;
        return member;
      }));
      return consumers;
    });
    for (const replay of system.replays) {
      const group = groupStates[spec.consumers.findIndex((c) => c.group === replay.group)];
      log.scheduleReplay(group, replay.at, replayTarget(replay.to));
    }
    const endMs = spec.duration + spec.drain;
    for (const increase of system.partitionIncreases) log.scheduleIncrease(increase.topic, increase.at, increase.partitions);
    log.setBrokerFaults(system.brokerFaults.map((f) => ({ atMs: f.at, forMs: f.for, lostAcks: f.lostAcks, failedWrites: f.failedWrites })),
      rng.stream('log/broker/faults'));
    system.brokerCrashes.forEach((c, i) => {
      if (!('mtbf' in c)) return log.cluster.scheduleCrash(c.broker, c.at, c.for ?? null);
      const brokers = c.broker === 'all' ? Array.from({ length: system.brokers }, (_, b) => b) : [c.broker];
      // Each broker on a stream of its own: log/broker-crashes/<i>/broker-<b>.
      scheduleFaults(kernel, ledger, [randomFailures(brokers.map((b) => new BrokerNode(log.cluster, b)),
        brokers.map((b) => rng.stream(`log/broker-crashes/${i}/broker-${b}`)), c, dirname(scenario.file), endMs)]);
    });
    log.startRetention(system.retentionCheckInterval, endMs);
    return {
      system: log,
      instances,
      gauges: log.gauges(),
      storedBytes: () => log.partitions.reduce((sum, p) => sum + p.storageBytes(), 0),
      scaleMetric: (c, _metric, target) => kedaLag(groupStates[c], log, target),
      figures: (result: Result) => ({
        charts: [...(result.charts ?? []), {
          name: 'partition-lag',
          title: 'Lag per partition (log end − committed offset, summed over groups)',
          yLabel: 'records',
          metrics: ['partitionLag'],
          stacked: true,
        }],
        summary: { ...result.summary, ...lags.figures(log, groupStates) },
      }),
    };
  },
});

/**
 * A group's lag as KEDA's Kafka scaler reads it: log end − committed offset, summed over the
 * group's partitions; with allowIdleConsumers false (its default) capped at partitions × the
 * target, so the group never scales beyond one instance per partition.
 */
function kedaLag(group: LogGroup, log: LogSystem, target: number): number {
  let lag = 0;
  for (const p of group.subscribed) lag += log.partitions[p].logEndOffset - group.committed[p];
  return Math.min(lag, group.subscribed.length * target);
}

/** What keeps idempotence off (it needs acks=all, retries > 0, maxInFlight ≤ 5), or null. */
function idempotenceConflict(own: LogProducerSpec): string | null {
  if (own.acks !== undefined && own.acks !== 'all') return 'acks: all';
  if (own.retries === 0) return 'retries > 0';
  if (own.maxInFlight !== undefined && own.maxInFlight > 5) return 'maxInFlight ≤ 5';
  return null;
}

function replayTarget(to: z.output<typeof ReplayTo>): ReplayTarget {
  if (to === 'beginning' || to === 'end') return { kind: to };
  if ('offset' in to) return { kind: 'offset', offset: to.offset };
  if ('ago' in to) return { kind: 'ago', ms: to.ago };
  return { kind: 'time', ms: to.time };
}
