/**
 * The log (Kafka-like): topics of partitions that producers append to and consumer groups read
 * independently at their own offsets (fan-out), with replication, retention, replays and
 * per-partition lag.
 *
 * It reports to the ledger: enqueue for every group subscribed to the record's topic when its
 * first copy is appended (lag is log end − committed offset, so records the followers have not
 * fetched yet count: consumers read only below the high watermark); producers report accepts
 * and rejects (log-producer.ts), groups report deliveries, processing, commits and drops.
 *
 * Broker faults (docs/semantics.md, log): inside a flaky window each write fails with probability
 * `failedWrites`, and the answer to each write that landed is lost with probability `lostAcks`
 * (draws from the `log/broker/faults` stream, only inside a window). Broker crashes and leader
 * elections are replication.ts's.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Random } from '../../sim/rng.js';
import { Fifo } from '../../sim/ring.js';
import type { Facts, MessageId } from '../facts.js';
import type { Gauge, System } from '../system.js';
import { Partition, type RetentionConfig } from './partition.js';
import type { LogGroup } from './group-coordinator.js';
import { FAILED, UNAVAILABLE, type LogProducerClient, type LogWriter, type Write } from './log-producer.js';
import { Cluster, ReplicaSet, placeReplicas, type ClusterConfig, type ReplicationListener } from './replication.js';

export interface TopicConfig {
  name: string;
  partitions: number;
  /** The count after the last scheduled increase (partitions are created up front). */
  maxPartitions: number;
  retention: RetentionConfig;
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** A window in which writes fail or their acks are lost. */
export interface BrokerFault {
  atMs: number;
  forMs: number;
  /** Probability that one write fails and stores nothing. */
  failedWrites: number;
  /** Probability that the answer to one write that landed is lost. */
  lostAcks: number;
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

/** What the log reports beyond the ledger's facts; src/observe/systems/log.ts folds them. */
export interface LogFacts {
  /** A record was appended to global partition `partition`, leaving a group `lag` records behind. */
  lagAtAppend(partition: number, lag: number): void;
}

export class LogSystem implements System, LogWriter, ReplicationListener {
  readonly type = 'log';
  readonly partitions: Partition[] = [];
  readonly groups: LogGroup[] = [];
  readonly cluster: Cluster;
  /** Largest lag (log end − committed offset) of any group, per partition, seen at an append. */
  private readonly topics: Topic[] = [];
  private readonly producers: LogProducerClient[] = [];
  /** Topic index of each global partition. */
  private readonly topicOf: number[] = [];
  /** acks=all writes waiting for the high watermark, per partition, in offset order. */
  private readonly awaiting: Fifo<Write>[];
  private brokerFaults: BrokerFault[] = [];
  private faultRandom: Random | null = null;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    topics: TopicConfig[],
    cluster: ClusterConfig,
    private readonly facts: LogFacts,
  ) {
    const replicas: ReplicaSet[] = [];
    for (const t of topics) {
      const first = this.partitions.length;
      for (let i = 0; i < t.maxPartitions; i++) {
        const global = this.partitions.length;
        this.partitions.push(new Partition(`${t.name}-${i}`, t.name, i, global, t.retention));
        replicas.push(new ReplicaSet(placeReplicas(i, t.replicationFactor, cluster.brokers), t.minInsyncReplicas));
        this.topicOf.push(this.topics.length);
      }
      this.topics.push({ name: t.name, first, count: t.partitions, groups: [] });
    }
    this.awaiting = this.partitions.map(() => new Fifo<Write>());
    this.cluster = new Cluster(kernel, ledger, this.partitions, replicas, cluster, this);
  }

  topicSizes(): Map<string, number> {
    return new Map(this.topics.map((t) => [t.name, t.count]));
  }

  topicIndex(name: string): number {
    return this.topics.findIndex((t) => t.name === name);
  }

  /** Global index of the first partition of topic `t`. */
  firstPartition(t: number): number {
    return this.topics[t].first;
  }

  /** Producers must be added in ledger producer order. */
  addProducer(producer: LogProducerClient): void {
    this.producers.push(producer);
  }

  addGroup(group: LogGroup): void {
    this.groups.push(group);
    for (const t of this.topics) if (group.config.topics.includes(t.name)) t.groups.push(group);
  }

  publish(producer: number, id: MessageId): void {
    this.producers[producer].publish(id);
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
    for (const producer of this.producers) {
      if (producer.config.firstPartition === t.first) producer.config.partitioner.resize(count);
    }
    for (const group of t.groups) group.partitionsIncreased(name, count, added);
  }

  /** Flaky-broker windows; `random` is the broker's own stream. */
  setBrokerFaults(faults: BrokerFault[], random: Random): void {
    this.brokerFaults = faults;
    this.faultRandom = random;
  }

  // ---- what producers ask (LogWriter) ------------------------------------------------------

  write(id: MessageId, p: number, previous: number, producer: LogProducerClient): number {
    const partition = this.partitions[p];
    const { acks, idempotent, sizeBytes } = producer.config;
    if (!partition.online || (acks === 'all' && !this.cluster.enoughInSync(p))) return UNAVAILABLE;
    if (this.faultDraw('failedWrites')) return FAILED;
    const copy = previous >= 0 && partition.holds(previous, id);
    if (copy && idempotent) return previous;
    if (copy) this.ledger.duplicateAppend(id);
    const offset = partition.append(id, sizeBytes, this.kernel.now, copy);
    const end = partition.logEndOffset;
    for (const group of this.topics[this.topicOf[p]].groups) {
      if (!copy) this.ledger.enqueue(group.g, id, partition.name, offset);
      const lag = end - group.committed[p];
      this.facts.lagAtAppend(p, lag);
    }
    this.cluster.appended(p);
    return offset;
  }

  replicatedPast(p: number, offset: number): boolean {
    return this.partitions[p].highWatermark > offset;
  }

  awaitReplication(p: number, write: Write): void {
    this.awaiting[p].push(write);
  }

  ackLost(): boolean {
    return this.faultDraw('lostAcks');
  }

  lost(id: MessageId, p: number, cause: string): void {
    for (const group of this.topics[this.topicOf[p]].groups) this.ledger.drop(group.g, id, cause);
  }

  // ---- what replication reports (ReplicationListener) --------------------------------------

  /** Records below `to` became readable: owners may fetch them, acks=all writes get answers. */
  highWatermarkAdvanced(p: number, to: number): void {
    this.partitions[p].highWatermark = to;
    this.wakeOwners(p);
    const awaiting = this.awaiting[p];
    while (awaiting.length > 0 && awaiting.peek().offset < to) {
      const w = awaiting.shift();
      w.producer.answered(w, w.id, p, w.offset);
    }
  }

  failAwaiting(p: number): void {
    const awaiting = this.awaiting[p];
    while (awaiting.length > 0) {
      const w = awaiting.shift();
      w.producer.failed(w);
    }
  }

  /**
   * A new leader's log ends at `to`. Acknowledged records cut away are lost for every group:
   * above the high watermark (acks=1, acks=0) they were never readable, below it (an unclean
   * election) groups that had not processed them never will. Unacknowledged ones leave the
   * groups' lag: they are their producers' to resend or give up on.
   */
  truncate(p: number, to: number): void {
    const partition = this.partitions[p];
    const groups = this.topics[this.topicOf[p]].groups;
    for (let o = Math.max(to, partition.logStartOffset); o < partition.logEndOffset; o++) {
      const stored = partition.storedId(o);
      if (stored < 0) continue;
      const readable = o < partition.highWatermark;
      if (this.ledger.isAccepted(stored)) {
        const cause = readable ? 'unclean-leader-election' : 'leader-failover';
        for (const group of groups) this.ledger.drop(group.g, stored, cause);
      } else {
        for (const group of groups) this.ledger.withdraw(group.g, stored);
      }
    }
    for (const group of groups) group.cutBack(p, to);
    partition.truncate(to);
  }

  leaderElected(p: number): void {
    this.wakeOwners(p);
  }

  /** Each group's owner of p hears of its readable records (and polls if it was waiting). */
  private wakeOwners(p: number): void {
    for (const group of this.topics[this.topicOf[p]].groups) {
      const owner = group.owner[p];
      if (owner !== null) owner.instance.recordsReadable(owner);
    }
  }

  private faultDraw(field: 'failedWrites' | 'lostAcks'): boolean {
    const now = this.kernel.now;
    for (const fault of this.brokerFaults) {
      if (now >= fault.atMs && now < fault.atMs + fault.forMs) return fault[field] > 0 && this.faultRandom!() < fault[field];
    }
    return false;
  }

  /** The retention check, every `intervalMs` from `intervalMs` on; one pending at a time. */
  startRetention(intervalMs: number, endMs: number): void {
    if (intervalMs <= endMs) this.kernel.at(intervalMs, retentionCheck, { system: this, kernel: this.kernel, intervalMs, endMs, k: 1 });
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

interface RetentionCheck {
  system: LogSystem;
  kernel: Kernel;
  intervalMs: number;
  endMs: number;
  k: number;
}

function retentionCheck(check: RetentionCheck): void {
  const next = (check.k + 1) * check.intervalMs;
  if (next <= check.endMs) check.kernel.at(next, retentionCheck, { ...check, k: check.k + 1 });
  check.system.enforceRetention();
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
      return partition.highWatermark;
    case 'offset':
      return Math.min(target.offset, partition.highWatermark);
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
