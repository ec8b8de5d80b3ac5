/**
 * A consumer group and its coordinator (docs/semantics.md, log): members, generations, the
 * assignment, committed offsets, and rebalances under the classic protocol.
 *
 * - The run starts with every group stable: members joined, partitions assigned, offsets
 *   committed at 0 (the group existed before the traffic began).
 * - Triggers: a member joins (a restarted or kicked-out instance comes back with a new member
 *   id), a subscribed topic gets more partitions (autoOffsetReset decides where the group
 *   starts on them, so `latest` skips what was written before they were assigned), a member
 *   leaves cleanly (LeaveGroup, at once), a crashed member is removed `sessionTimeout` after
 *   its last heartbeat, a member whose processing exceeded `maxPollInterval` leaves.
 * - The first member of an empty group waits `initialRebalanceDelayMs` for others.
 * - A rebalance completes once every member has rejoined (a member rejoins at its next poll,
 *   after the batch it is processing; a dead member never does, so it blocks the rebalance until
 *   its session expires) and `rebalanceMs` (the JoinGroup/SyncGroup round trips) has passed.
 * - Eager strategies (range, roundrobin, sticky): no member fetches anything while the
 *   rebalance runs. cooperative-sticky: members keep their partitions; partitions that move are
 *   revoked at the end of a first round and handed over in a second one, so only they pause.
 * - Commits are valid only from a member of the current generation: a kicked-out zombie's
 *   commit fails (CommitFailedException), so the next owner processes its work again.
 *
 * Committed offsets expire once the group has had no member for `offsetsRetentionMs`, at the
 * next check (every `offsetsRetentionCheckMs`): the group is then brand new, and
 * autoOffsetReset decides where its next member starts (docs/semantics.md, log).
 *
 * The ledger hears an ack for every offset a valid commit moves past, and a drop (cause
 * `retention` or `offset-reset`) for every offset the group can no longer read. `resolvedTo`
 * keeps the two from ever covering one offset twice.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts } from '../facts.js';
import {
  assign,
  cooperativeFirstRound,
  type AssignmentStrategy,
  type MemberSubscription,
  type TopicPartition,
} from './assignors.js';
import type { Partition } from './partition.js';

export type OffsetReset = 'earliest' | 'latest';
export const OFFSET_RESETS: readonly OffsetReset[] = ['earliest', 'latest'];

export interface LogGroupConfig {
  name: string;
  /** The ledger's group index. */
  ledgerGroup: number;
  /** Subscribed topics, by name. */
  topics: string[];
  strategy: AssignmentStrategy;
  sessionTimeoutMs: number;
  /** heartbeat.interval.ms: a live member heartbeats this often; the session counts from the last. */
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  /** group.initial.rebalance.delay.ms: how long an empty group's first rebalance waits for more members. */
  initialRebalanceDelayMs: number;
  /** Time the JoinGroup/SyncGroup exchange takes once every member has rejoined. */
  rebalanceMs: number;
  autoOffsetReset: OffsetReset;
  /** offsets.retention.minutes: committed offsets of an empty group expire after this. */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms. */
  offsetsRetentionCheckMs: number;
}

/**
 * What the coordinator asks of a consumer instance (log-consumer.ts implements it): its side
 * of the protocol, so the coordinator does not depend on the consumer's code.
 */
export interface MemberInstance {
  readonly name: string;
  /** Alive, in the group and waiting inside poll(). */
  readonly idle: boolean;
  /** Its current membership, set when it joins. */
  member: Member | null;
  /** The group has news for it (an assignment, a rebalance): poll again. */
  wake(member: Member): void;
  /** Records became readable on one of its partitions (appended, or a leader is back). */
  recordsReadable(member: Member): void;
  /**
   * A rebalance began while it waits inside poll(): it prepares to rejoin (Kafka's
   * onJoinPrepare: auto-commit commits synchronously). True if it rejoins at once; false if
   * its commit crosses a network, and it rejoins when the commit is answered.
   */
  prepareRejoin(member: Member): boolean;
  /** Partition `p` is newly its own, to read from offset `committed`. */
  assigned(p: number, committed: number): void;
  /** A replay moved partition `p`'s position to `offset`. */
  seek(p: number, offset: number): void;
  /** A leader election cut partition `p` back to `to`: it reads on from there. */
  cutBack(p: number, to: number): void;
}

/** One membership of an instance: a new member id each time the instance (re)joins. */
export class Member {
  /** Global partition indices assigned in the current generation. */
  assigned: number[] = [];
  generation = -1;
  inGroup = true;
  dead = false;
  rejoined = true;
  /** When the member joined: its heartbeats come every heartbeat interval from then. */
  joinedMs = 0;

  constructor(
    readonly id: string,
    readonly instance: MemberInstance,
  ) {}
}

export class LogGroup {
  readonly members: Member[] = [];
  generation = 0;
  rebalancing = false;
  rebalances = 0;
  /** Committed offset per global partition (the next offset to read). */
  readonly committed: Float64Array;
  /** Every offset below this is acked or dropped in the ledger, for this group. */
  private readonly resolvedTo: Float64Array;
  /** One past the highest offset ever delivered to this group: below it is a redelivery. */
  private readonly fetchedTo: Float64Array;
  /** Offsets below this were sought back over by a replay: processing them again is a replay. */
  readonly replayTo: Float64Array;
  /** Failed handler attempts per message (poison faults), for transient failures. */
  private readonly failures = new Map<number, number>();
  /** The member owning each global partition; null while unowned. */
  readonly owner: (Member | null)[];
  /** Global indices of the subscribed partitions (grows when a topic gets more partitions). */
  readonly subscribed: number[];
  /** 1 for a partition the group has no committed offset for yet (added by an increase). */
  private readonly noOffset: Uint8Array;
  private readyAtMs = 0;
  private startedMs = 0;
  /** Bumped whenever a member joins, so an expiry scheduled while empty knows it is stale. */
  private joins = 0;
  /** The initial delayed join of an empty group, while it waits for more members; else null. */
  private initialJoin: InitialJoin | null = null;
  private readonly cooperative: boolean;
  private readonly partitionsPerTopic: Map<string, number>;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    readonly config: LogGroupConfig,
    private readonly partitions: Partition[],
    topicSizes: Map<string, number>,
  ) {
    const n = partitions.length;
    this.committed = new Float64Array(n);
    this.resolvedTo = new Float64Array(n);
    this.fetchedTo = new Float64Array(n);
    this.replayTo = new Float64Array(n);
    this.owner = new Array<Member | null>(n).fill(null);
    this.noOffset = new Uint8Array(n);
    this.partitionsPerTopic = new Map([...topicSizes].filter(([t]) => config.topics.includes(t)));
    this.subscribed = partitions
      .filter((p) => config.topics.includes(p.topic) && p.index < (topicSizes.get(p.topic) ?? 0))
      .map((p) => p.global);
    this.cooperative = config.strategy === 'cooperative-sticky';
  }

  get g(): number {
    return this.config.ledgerGroup;
  }

  /** Stable start: the given members, assigned at once, generation 1, no rebalance. */
  start(members: Member[]): void {
    for (const m of members) m.joinedMs = this.kernel.now;
    this.members.push(...members);
    this.applyAssignment(assign(this.config.strategy, this.subscriptions(), this.partitionsPerTopic));
  }

  /** Whether members must not fetch now (an eager rebalance is running). */
  get paused(): boolean {
    return this.rebalancing && !this.cooperative;
  }

  join(instance: MemberInstance, id: string): Member {
    const empty = this.members.length === 0;
    const member = new Member(id, instance);
    member.joinedMs = this.kernel.now;
    this.members.push(member);
    this.joins++;
    instance.member = member;
    if (empty && this.config.initialRebalanceDelayMs > 0) this.startInitialJoin(`${id} joined`);
    else {
      if (this.initialJoin !== null) this.initialJoin.added = true;
      this.startRebalance(`${id} joined`);
    }
    return member;
  }

  /**
   * The first member of an empty group: the coordinator waits group.initial.rebalance.delay.ms
   * for others, and again (up to the rebalance timeout, max.poll.interval.ms) while new members
   * keep arriving, as Kafka's GroupMetadataManager.tryCompleteInitialRebalanceElseSchedule does.
   */
  private startInitialJoin(reason: string): void {
    this.ledger.mark('rebalance', this.config.name, `${reason}; empty group waits ${this.config.initialRebalanceDelayMs} ms for more members`);
    if (!this.rebalancing) this.rebalances++;
    this.rebalancing = true;
    this.startedMs = this.kernel.now;
    this.readyAtMs = Infinity;
    const delayMs = this.config.initialRebalanceDelayMs;
    this.initialJoin = { delayMs, remainingMs: Math.max(this.config.maxPollIntervalMs - delayMs, 0), added: false };
    this.kernel.schedule(delayMs, initialDelayDone, this);
  }

  initialDelayDone(): void {
    const join = this.initialJoin;
    if (join === null) return;
    if (join.added && join.remainingMs !== 0) {
      const delayMs = Math.min(this.config.initialRebalanceDelayMs, join.remainingMs);
      this.initialJoin = { delayMs, remainingMs: Math.max(join.remainingMs - join.delayMs, 0), added: false };
      this.kernel.schedule(delayMs, initialDelayDone, this);
      return;
    }
    this.initialJoin = null;
    this.beginRound();
  }

  /** The member has called poll() since the rebalance began: it has sent its JoinGroup. */
  rejoin(member: Member): void {
    member.rejoined = true;
    this.tryComplete();
  }

  /**
   * The instance died without leaving. Its heartbeats went out every heartbeat interval from its
   * join (a heartbeat due at the very instant of the crash is not sent); the coordinator expires
   * it `sessionTimeout` after the last one, so between session − heartbeat and session after
   * the crash.
   */
  crashed(member: Member): void {
    member.dead = true;
    this.kernel.at(this.lastHeartbeatMs(member) + this.config.sessionTimeoutMs, sessionExpired, { group: this, member });
  }

  /** The last heartbeat a member crashing now has sent: its join counts as the first. */
  private lastHeartbeatMs(member: Member): number {
    const interval = this.config.heartbeatIntervalMs;
    const beats = Math.max(0, Math.ceil((this.kernel.now - member.joinedMs) / interval) - 1);
    return member.joinedMs + beats * interval;
  }

  remove(member: Member, reason: string): void {
    if (!member.inGroup) return;
    member.inGroup = false;
    this.members.splice(this.members.indexOf(member), 1);
    for (const p of member.assigned) if (this.owner[p] === member) this.owner[p] = null;
    member.assigned = [];
    this.startRebalance(`${member.id} ${reason}`);
    if (this.members.length === 0) this.scheduleOffsetExpiry();
  }

  /** The group just became empty: its offsets go at the first check after the retention. */
  private scheduleOffsetExpiry(): void {
    const { offsetsRetentionMs, offsetsRetentionCheckMs } = this.config;
    const due = Math.ceil((this.kernel.now + offsetsRetentionMs) / offsetsRetentionCheckMs) * offsetsRetentionCheckMs;
    this.kernel.at(due, expireOffsets, { group: this, joins: this.joins });
  }

  expireOffsets(joins: number): void {
    if (this.members.length > 0 || this.joins !== joins) return;
    for (const p of this.subscribed) this.noOffset[p] = 1;
    this.ledger.mark('offsets-expired', this.config.name, `no member for ${this.config.offsetsRetentionMs} ms`);
  }

  /**
   * A subscribed topic grew to `count` partitions (`added`, global indices): the group has no
   * committed offset for them, so autoOffsetReset decides where it starts once they are
   * assigned, and a rebalance hands them out.
   */
  partitionsIncreased(topic: string, count: number, added: number[]): void {
    this.partitionsPerTopic.set(topic, count);
    for (const p of added) {
      this.subscribed.push(p);
      this.noOffset[p] = 1;
    }
    this.startRebalance(`partitions of ${topic} increased to ${count}`);
  }

  /** Where an owner starts reading a newly assigned partition. */
  private startOffset(p: number): number {
    if (this.noOffset[p] === 0) return this.committed[p];
    return this.outOfRange(p, -1);
  }

  /** A commit from `member`; false (CommitFailedException) if it is not of this generation. */
  commit(member: Member, p: number, offset: number): boolean {
    if (!member.inGroup || member.generation !== this.generation) return false;
    this.noOffset[p] = 0;
    this.committed[p] = offset;
    const partition = this.partitions[p];
    const from = Math.max(this.resolvedTo[p], partition.logStartOffset);
    // A batch read before an unclean election may commit past the new log end.
    const to = Math.min(offset, partition.logEndOffset);
    for (let o = from; o < to; o++) this.ledger.ack(this.g, partition.idAt(o));
    if (offset > this.resolvedTo[p]) this.resolvedTo[p] = offset;
    return true;
  }

  /** The handler attempt message `id` is at: 1 + its failed attempts in this group. */
  attemptOf(id: number): number {
    return (this.failures.get(id) ?? 0) + 1;
  }

  failed(id: number): void {
    this.failures.set(id, this.attemptOf(id));
  }

  /** Attempt number of a delivery (1 first, 2 again); also records the offset as delivered. */
  delivered(p: number, offset: number): number {
    if (offset < this.fetchedTo[p]) return 2;
    this.fetchedTo[p] = offset + 1;
    return 1;
  }

  /** Retention is deleting [from, to) of partition p: the group can never read them. */
  truncated(p: number, from: number, to: number): void {
    this.dropRange(p, Math.max(from, this.resolvedTo[p]), to, 'retention');
  }

  /**
   * An unclean leader election cut partition p back to `to`, below what the group could read:
   * its offsets move back, since from `to` on the log will hold other records (consumers
   * notice the new leader epoch and truncate, KIP-320). The log system settles the records.
   */
  cutBack(p: number, to: number): void {
    for (const offsets of [this.committed, this.resolvedTo, this.fetchedTo, this.replayTo]) {
      if (offsets[p] > to) offsets[p] = to;
    }
    this.owner[p]?.instance.cutBack(p, to);
  }

  /**
   * OFFSET_OUT_OF_RANGE on a fetch below the log start: reset by autoOffsetReset. `earliest`
   * continues at the log start; `latest` skips to the end, and what it skips is lost.
   */
  outOfRange(p: number, position: number): number {
    const partition = this.partitions[p];
    const latest = this.config.autoOffsetReset === 'latest';
    const to = latest ? partition.highWatermark : partition.logStartOffset;
    if (latest) this.dropRange(p, Math.max(partition.logStartOffset, this.resolvedTo[p]), to, 'offset-reset');
    const from = position < 0 ? 'no committed offset' : String(position);
    this.ledger.mark('offset-reset', `${this.config.name}/${partition.name}`,
      `${this.config.autoOffsetReset}: ${from} → ${to}`);
    return to;
  }

  /** A replay: every subscribed partition's committed offset and owner position go to `target`. */
  seek(target: (partition: Partition) => number, detail: string): void {
    for (const p of this.subscribed) {
      const offset = target(this.partitions[p]);
      if (this.fetchedTo[p] > this.replayTo[p]) this.replayTo[p] = this.fetchedTo[p];
      this.committed[p] = offset;
      const owner = this.owner[p];
      if (owner !== null) owner.instance.seek(p, offset);
    }
    this.ledger.mark('replay', this.config.name, detail);
    this.wakeAll();
  }

  private dropRange(p: number, from: number, to: number, cause: string): void {
    const partition = this.partitions[p];
    for (let o = from; o < to; o++) this.ledger.drop(this.g, partition.idAt(o), cause);
    if (to > this.resolvedTo[p]) this.resolvedTo[p] = to;
  }

  private startRebalance(reason: string): void {
    this.ledger.mark('rebalance', this.config.name, reason);
    if (this.rebalancing) {
      this.tryComplete();
      return;
    }
    this.rebalancing = true;
    this.rebalances++;
    this.startedMs = this.kernel.now;
    this.beginRound();
  }

  private beginRound(): void {
    this.readyAtMs = this.kernel.now + this.config.rebalanceMs;
    // Members waiting inside poll() rejoin at once; busy ones when their batch is done.
    for (const m of this.members) m.rejoined = !m.dead && m.instance.idle && m.instance.prepareRejoin(m);
    this.kernel.at(this.readyAtMs, readyToComplete, this);
  }

  tryComplete(): void {
    if (!this.rebalancing || this.kernel.now < this.readyAtMs) return;
    for (const m of this.members) if (!m.rejoined) return;
    const target = assign(this.config.strategy, this.subscriptions(), this.partitionsPerTopic);
    if (!this.cooperative) {
      this.applyAssignment(target);
      this.finishRebalance();
      return;
    }
    const round = cooperativeFirstRound(target, this.subscriptions());
    let moving = false;
    for (const [id, tps] of target) if (round.get(id)!.length !== tps.length) moving = true;
    this.applyAssignment(round);
    if (moving) {
      this.ledger.mark('rebalance', this.config.name, 'second round: revoked partitions move');
      this.beginRound();
    } else {
      this.finishRebalance();
    }
  }

  private finishRebalance(): void {
    this.rebalancing = false;
    this.ledger.mark('rebalance-end', this.config.name,
      `generation ${this.generation}, ${this.kernel.now - this.startedMs} ms`);
    this.wakeAll();
  }

  private applyAssignment(assignment: Map<string, TopicPartition[]>): void {
    this.generation++;
    const index = this.topicIndex();
    this.owner.fill(null);
    for (const m of this.members) {
      const before = new Set(this.cooperative ? m.assigned : []);
      m.assigned = (assignment.get(m.id) ?? []).map((tp) => index.get(tp.topic)! + tp.partition);
      m.generation = this.generation;
      for (const p of m.assigned) {
        this.owner[p] = m;
        // Eager revokes everything, so every partition restarts from its committed offset.
        if (!before.has(p)) m.instance.assigned(p, this.startOffset(p));
      }
    }
    this.ledger.assignment(this.config.name, () => Object.fromEntries(
      this.members.map((m) => [m.instance.name, m.assigned.map((p) => this.partitions[p].name)]),
    ));
  }

  private wakeAll(): void {
    this.kernel.schedule(0, wakeMembers, this);
  }

  private subscriptions(): MemberSubscription[] {
    return this.members.map((m) => ({
      id: m.id,
      topics: this.config.topics,
      owned: m.assigned.map((p) => ({ topic: this.partitions[p].topic, partition: this.partitions[p].index })),
    }));
  }

  private topicIndex(): Map<string, number> {
    const first = new Map<string, number>();
    for (const p of this.partitions) if (!first.has(p.topic)) first.set(p.topic, p.global);
    return first;
  }
}

/** The state of an empty group's initial delayed join (Kafka's InitialDelayedJoin). */
interface InitialJoin {
  /** The delay now running. */
  delayMs: number;
  /** What is left of the rebalance timeout for further extensions. */
  remainingMs: number;
  /** Whether a member joined during the delay now running. */
  added: boolean;
}

interface Expiry {
  group: LogGroup;
  member: Member;
}

function sessionExpired({ group, member }: Expiry): void {
  group.remove(member, 'session timeout expired');
}

function expireOffsets({ group, joins }: { group: LogGroup; joins: number }): void {
  group.expireOffsets(joins);
}

function initialDelayDone(group: LogGroup): void {
  group.initialDelayDone();
}

function readyToComplete(group: LogGroup): void {
  group.tryComplete();
}

function wakeMembers(group: LogGroup): void {
  for (const m of group.members) m.instance.wake(m);
}
