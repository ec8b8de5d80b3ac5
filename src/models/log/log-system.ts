/**
 * The log (Kafka-like): topics of partitions that producers append to and consumer groups read
 * independently at their own offsets (fan-out), with retention, replays and per-partition lag.
 *
 * It reports to the ledger: accept when the producer gets its ack, enqueue for every group
 * subscribed to the record's topic when the record first lands; groups report deliveries,
 * processing, acks (commits) and drops themselves.
 *
 * Broker faults (SEMANTICS.md §1.3): inside a fault window, the ack of a write that landed is
 * lost with probability `lostAcks` (one draw per write, from the `log/broker/faults` stream,
 * drawn only inside a window). The producer's request times out after `requestTimeoutMs` and it
 * retries after `retryBackoffMs`. Without idempotence the retry lands again: a duplicate append
 * (ledger.duplicateAppend) that consumers read and process a second time. With idempotence
 * (Kafka's default) the broker recognises the producer's sequence number and drops the copy.
 * A retry's ack can be lost again while the window lasts.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Random } from '../../sim/rng.js';
import type { Ledger, MessageId } from '../../observe/ledger.js';
import type { Gauge, System } from '../system.js';
import type { Delivery, ConsumerInstance } from '../consumer.js';
import { Partition, type RetentionConfig } from './partition.js';
import type { Partitioner } from './partitioner.js';
import type { LogGroup } from './group-coordinator.js';

export interface TopicConfig {
  name: string;
  partitions: number;
  /** The count after the last scheduled increase (partitions are created up front). */
  maxPartitions: number;
  retention: RetentionConfig;
}

export interface LogProducer {
  /** Index of the topic it writes to. */
  topic: number;
  sizeBytes: number;
  partitioner: Partitioner;
  /** enable.idempotence: the broker drops a retried copy it already stored. */
  idempotent: boolean;
  /** request.timeout.ms: how long the producer waits for a lost ack before retrying. */
  requestTimeoutMs: number;
  /** retry.backoff.ms. */
  retryBackoffMs: number;
}

/** A window in which acks of landed writes are lost. */
export interface BrokerFault {
  atMs: number;
  forMs: number;
  /** Probability that the ack of one write is lost. */
  lostAcks: number;
}

interface Retry {
  system: LogSystem;
  producer: number;
  id: MessageId;
  partition: number;
}

/** Where a replay seeks to. */
export type ReplayTarget =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'offset'; offset: number }
  | { kind: 'ago'; ms: number }
  | { kind: 'time'; ms: number };

interface Topic {
  name: string;
  first: number;
  /** Partitions in use now; up to `maxPartitions` exist. */
  count: number;
  /** Groups subscribed to the topic. */
  groups: LogGroup[];
}

export class LogSystem implements System {
  readonly type = 'log';
  readonly partitions: Partition[] = [];
  readonly groups: LogGroup[] = [];
  /** Largest lag (log end − committed offset) of any group, per partition, seen at an append. */
  readonly maxLag: Float64Array;
  private readonly topics: Topic[] = [];
  private readonly producers: LogProducer[] = [];
  /** Topic index of each global partition. */
  private readonly topicOf: number[] = [];
  private brokerFaults: BrokerFault[] = [];
  private faultRandom: Random | null = null;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Ledger,
    topics: TopicConfig[],
  ) {
    for (const t of topics) {
      const first = this.partitions.length;
      for (let i = 0; i < t.maxPartitions; i++) {
        const global = this.partitions.length;
        this.partitions.push(new Partition(`${t.name}-${i}`, t.name, i, global, t.retention));
        this.topicOf.push(this.topics.length);
      }
      this.topics.push({ name: t.name, first, count: t.partitions, groups: [] });
    }
    this.maxLag = new Float64Array(this.partitions.length);
  }

  topicSizes(): Map<string, number> {
    return new Map(this.topics.map((t) => [t.name, t.count]));
  }

  topicIndex(name: string): number {
    return this.topics.findIndex((t) => t.name === name);
  }

  /** Producers must be added in ledger producer order. */
  addProducer(producer: LogProducer): void {
    this.producers.push(producer);
  }

  addGroup(group: LogGroup): void {
    this.groups.push(group);
    for (const t of this.topics) if (group.config.topics.includes(t.name)) t.groups.push(group);
  }

  publish(producer: number, id: MessageId): void {
    const { topic, sizeBytes, partitioner } = this.producers[producer];
    const p = this.topics[topic].first + partitioner.choose(this.ledger.keyOfMessage(id), sizeBytes);
    this.append(p, id, sizeBytes, true);
    this.acknowledge(producer, id, p);
  }

  /** Partitions in use, in global order (those of later increases come in when they do). */
  activePartitions(): Partition[] {
    return this.partitions.filter((p) => p.index < this.topics[this.topicOf[p.global]].count);
  }

  /** At `atMs`, topic `name` grows to `count` partitions: keys remap, groups rebalance. */
  scheduleIncrease(name: string, atMs: number, count: number): void {
    this.kernel.at(atMs, runIncrease, { system: this, name, count });
  }

  increasePartitions(name: string, count: number): void {
    const t = this.topics[this.topicIndex(name)];
    const added: number[] = [];
    for (let i = t.count; i < count; i++) added.push(t.first + i);
    t.count = count;
    this.ledger.mark('partitions-increased', name, `${count} partitions`);
    this.producers.forEach((producer) => {
      if (this.topics[producer.topic] === t) producer.partitioner.resize(count);
    });
    for (const group of t.groups) group.partitionsIncreased(name, count, added);
  }

  /** Broker fault windows; `random` is the broker's own stream. */
  setBrokerFaults(faults: BrokerFault[], random: Random): void {
    this.brokerFaults = faults;
    this.faultRandom = random;
  }

  /** A retry after a lost ack: the broker stores a copy unless the producer is idempotent. */
  retry(producer: number, id: MessageId, p: number): void {
    const { idempotent, sizeBytes } = this.producers[producer];
    if (!idempotent) {
      this.append(p, id, sizeBytes, false);
      this.ledger.duplicateAppend();
    }
    this.acknowledge(producer, id, p);
  }

  /** The producer gets the ack of message id, unless a broker fault loses it. */
  private acknowledge(producer: number, id: MessageId, p: number): void {
    if (this.ackLost()) {
      const { requestTimeoutMs, retryBackoffMs } = this.producers[producer];
      const retry: Retry = { system: this, producer, id, partition: p };
      this.kernel.schedule(requestTimeoutMs + retryBackoffMs, retryWrite, retry);
      return;
    }
    this.ledger.accept(id);
  }

  private ackLost(): boolean {
    const now = this.kernel.now;
    for (const fault of this.brokerFaults) {
      if (now >= fault.atMs && now < fault.atMs + fault.forMs) return this.faultRandom!() < fault.lostAcks;
    }
    return false;
  }

  /** Stores a record; only its first copy becomes the groups' to process (enqueue). */
  private append(p: number, id: MessageId, sizeBytes: number, first: boolean): void {
    const partition = this.partitions[p];
    partition.append(id, sizeBytes, this.kernel.now);
    const end = partition.logEndOffset;
    for (const group of this.topics[this.topicOf[p]].groups) {
      if (first) this.ledger.enqueue(group.g, id);
      const lag = end - group.committed[p];
      if (lag > this.maxLag[p]) this.maxLag[p] = lag;
      const owner = group.owner[p];
      if (owner !== null) owner.instance.wake(owner);
    }
  }

  /** The retention check, every `intervalMs` from `intervalMs` on. */
  startRetention(intervalMs: number, endMs: number): void {
    for (let t = intervalMs; t <= endMs; t += intervalMs) this.kernel.at(t, retentionCheck, this);
  }

  enforceRetention(): void {
    const now = this.kernel.now;
    for (const t of this.topics) {
      for (let p = t.first; p < t.first + t.count; p++) {
        this.partitions[p].enforceRetention(now, (from, to) => {
          for (const group of t.groups) group.truncated(p, from, to);
          this.ledger.mark('retention', this.partitions[p].name, `log start ${from} → ${to}`);
        });
      }
    }
  }

  /** Seeks every partition of `group` at `atMs`. */
  scheduleReplay(group: LogGroup, atMs: number, target: ReplayTarget): void {
    this.kernel.at(atMs, runReplay, { group, target, kernel: this.kernel });
  }

  // The log's consumers are LogConsumer poll loops; these Delivery-based calls never reach it.
  ack(_delivery: Delivery): void {
    throw new Error('LogSystem.ack: log consumers commit offsets, they do not ack deliveries');
  }

  fail(_delivery: Delivery, _requeue: boolean): void {
    throw new Error('LogSystem.fail: log consumers commit offsets, they do not nack deliveries');
  }

  release(_instance: ConsumerInstance, _unacked: Delivery[]): void {
    throw new Error('LogSystem.release: log consumers restart from committed offsets');
  }

  capacityFreed(_group: number): void {
    throw new Error('LogSystem.capacityFreed: log consumers poll on their own');
  }

  gauges(): Gauge[] {
    return this.partitions.map((partition) => ({
      metric: 'partitionLag',
      subject: partition.name,
      read: () => {
        let lag = 0;
        for (const group of this.groups) {
          if (group.subscribed.includes(partition.global)) lag += partition.logEndOffset - group.committed[partition.global];
        }
        return lag;
      },
    }));
  }
}

interface Increase {
  system: LogSystem;
  name: string;
  count: number;
}

function runIncrease({ system, name, count }: Increase): void {
  system.increasePartitions(name, count);
}

function retryWrite({ system, producer, id, partition }: Retry): void {
  system.retry(producer, id, partition);
}

function retentionCheck(system: LogSystem): void {
  system.enforceRetention();
}

interface Replay {
  group: LogGroup;
  target: ReplayTarget;
  kernel: Kernel;
}

function runReplay({ group, target, kernel }: Replay): void {
  const now = kernel.now;
  group.seek((partition) => replayOffset(partition, target, now), describeTarget(target));
}

export function replayOffset(partition: Partition, target: ReplayTarget, nowMs: number): number {
  switch (target.kind) {
    case 'beginning':
      return partition.logStartOffset;
    case 'end':
      return partition.logEndOffset;
    case 'offset':
      return Math.min(target.offset, partition.logEndOffset);
    case 'ago':
      return partition.offsetForTime(nowMs - target.ms);
    case 'time':
      return partition.offsetForTime(target.ms);
  }
}

function describeTarget(target: ReplayTarget): string {
  switch (target.kind) {
    case 'beginning':
    case 'end':
      return `seek to ${target.kind}`;
    case 'offset':
      return `seek to offset ${target.offset}`;
    case 'ago':
      return `seek back ${target.ms} ms`;
    case 'time':
      return `seek to time ${target.ms} ms`;
  }
}
