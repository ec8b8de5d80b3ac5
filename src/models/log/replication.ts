/**
 * Replication (docs/semantics.md, log): brokers that crash and come back, and per partition a
 * leader, followers, the in-sync replicas (ISR), each replica's log end and the high watermark.
 *
 * - Followers fetch continuously: a record appended at t is on every live follower at
 *   t + `replicationDelay`. A follower that starts fetching at s (it came back, or a new
 *   leader was elected) has everything appended up to s at s + delay.
 * - The high watermark is the smallest log end in the ISR. Consumers read below it and
 *   acks=all writes are acknowledged once it passes them.
 * - A crashed broker is noticed when its controller session expires (`brokerSessionTimeout`).
 *   Until then its partitions take no writes and serve no reads if it led them, and the high
 *   watermark of those it followed cannot pass its frozen log end. Then it leaves every ISR it
 *   was in (unless it was the last member: the ISR never empties), and each partition it led
 *   gets the first live ISR member in replica order as leader. The log is cut back to the new
 *   leader's log end: records acknowledged with acks=1 beyond it are lost; acks=all records
 *   never get past the high watermark before every ISR member has them, so none are.
 * - With no live ISR member the partition stays offline (unclean election off, Kafka's
 *   default) until one comes back; with `uncleanLeaderElection` a live out-of-sync replica
 *   becomes leader and what it lacks is lost, committed records included.
 * - A follower rejoins the ISR once its log end reaches the high watermark.
 * - When the ISR falls below min.insync.replicas, acks=all writes waiting for it fail
 *   (NotEnoughReplicasAfterAppend) and new ones are refused until it recovers.
 *
 * A broker crash here loses no data of its own (Kafka relies on replicas, not fsync): a leader
 * that comes back before it is noticed simply leads again.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts } from '../facts.js';
import type { CrashPoint } from '../consumer-core.js';
import type { Crashable } from '../faults.js';
import type { Partition } from './partition.js';

export interface ClusterConfig {
  brokers: number;
  /** Time for a record to reach a fetching follower. */
  replicationDelayMs: number;
  /** broker.session.timeout.ms: how long a crashed broker goes unnoticed. */
  brokerSessionTimeoutMs: number;
  /** unclean.leader.election.enable. */
  uncleanLeaderElection: boolean;
}

/** What the log does when replication moves: advance reads and acks, cut a log back. */
export interface ReplicationListener {
  highWatermarkAdvanced(p: number, to: number): void;
  /** acks=all requests waiting on p fail: its leader died, or the ISR fell below the minimum. */
  failAwaiting(p: number): void;
  /** A new leader's log ends at `to`: everything from `to` on is gone. */
  truncate(p: number, to: number): void;
  /** The partition has a live leader again. */
  leaderElected(p: number): void;
}

/** One partition's replicas, by position in its replica list. */
export class ReplicaSet {
  /** Position of the leader in `brokers`; -1 while the partition has none. */
  leader = 0;
  readonly inSync: boolean[];
  /** Each follower's log end (the leader's is the partition's). */
  readonly logEnd: number[];
  /** When each follower started fetching from the current leader. */
  readonly fetchingFrom: number[];

  constructor(
    /** Broker ids, the preferred leader first. */
    readonly brokers: number[],
    /** min.insync.replicas: acks=all writes fail while the ISR is smaller. */
    readonly minInSync: number,
  ) {
    this.inSync = brokers.map(() => true);
    this.logEnd = brokers.map(() => 0);
    this.fetchingFrom = brokers.map(() => 0);
  }

  get isrSize(): number {
    let n = 0;
    for (const s of this.inSync) if (s) n++;
    return n;
  }

  /** The smallest log end in the ISR, given the leader's. */
  highWatermark(leaderLogEnd: number): number {
    let hw = leaderLogEnd;
    for (let k = 0; k < this.brokers.length; k++) {
      if (k !== this.leader && this.inSync[k] && this.logEnd[k] < hw) hw = this.logEnd[k];
    }
    return hw;
  }
}

/**
 * Kafka's rack-unaware placement with the start fixed at broker 0: partition i's replicas are
 * brokers i, i + 1, … (mod the broker count), the first being the preferred leader.
 */
export function placeReplicas(partition: number, replicationFactor: number, brokers: number): number[] {
  return Array.from({ length: replicationFactor }, (_, j) => (partition + j) % brokers);
}

export class Cluster {
  private readonly alive: boolean[];
  /** Bumped at every crash and restart, so a stale session expiry does nothing. */
  private readonly incarnation: number[];
  /** Global partitions with a replica on each broker. */
  private readonly hosted: number[][];
  /** One reusable event argument per partition: a fetch tick per record allocates nothing. */
  private readonly ticks: Tick[];

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly partitions: Partition[],
    readonly replicas: ReplicaSet[],
    private readonly config: ClusterConfig,
    private readonly listener: ReplicationListener,
  ) {
    this.alive = Array.from({ length: config.brokers }, () => true);
    this.incarnation = Array.from({ length: config.brokers }, () => 0);
    this.hosted = Array.from({ length: config.brokers }, () => []);
    replicas.forEach((rs, p) => rs.brokers.forEach((b) => this.hosted[b].push(p)));
    this.ticks = replicas.map((_, p) => ({ cluster: this, p }));
  }

  /** True if writes to p must wait for followers (more than one replica). */
  replicated(p: number): boolean {
    return this.replicas[p].brokers.length > 1;
  }

  /**
   * A record was appended to p's leader: readable at once if the leader is the whole ISR,
   * else once the followers have fetched it, one replication delay later.
   */
  appended(p: number): void {
    this.advance(p);
    if (this.replicated(p)) this.kernel.schedule(this.config.replicationDelayMs, fetchTick, this.ticks[p]);
  }

  /** Whether an acks=all write to p has enough in-sync replicas (else NotEnoughReplicas). */
  enoughInSync(p: number): boolean {
    const rs = this.replicas[p];
    return rs.isrSize >= rs.minInSync;
  }

  scheduleCrash(broker: number, atMs: number, forMs: number | null): void {
    this.kernel.at(atMs, crashBroker, { cluster: this, broker });
    if (forMs !== null) this.kernel.at(atMs + forMs, restoreBroker, { cluster: this, broker });
  }

  /** Followers of p catch up with what was appended one delay ago; the ISR and HW follow. */
  fetch(p: number): void {
    const rs = this.replicas[p];
    if (rs.leader < 0 || !this.alive[rs.brokers[rs.leader]]) return;
    const partition = this.partitions[p];
    const now = this.kernel.now;
    const delay = this.config.replicationDelayMs;
    for (let k = 0; k < rs.brokers.length; k++) {
      if (k === rs.leader || !this.alive[rs.brokers[k]] || rs.fetchingFrom[k] + delay > now) continue;
      // Same sum as the tick's own time, so a record is fetched exactly at its tick.
      let end = rs.logEnd[k];
      while (end < partition.logEndOffset && partition.timeAt(end) + delay <= now) end++;
      rs.logEnd[k] = end;
      if (!rs.inSync[k] && end >= partition.highWatermark) {
        rs.inSync[k] = true;
        this.ledger.mark('isr-expand', partition.name, `broker-${rs.brokers[k]} back in sync`);
      }
    }
    this.advance(p);
  }

  isAlive(broker: number): boolean {
    return this.alive[broker];
  }

  crash(broker: number, detail?: string): void {
    if (!this.alive[broker]) return; // a fixed and a random crash may meet
    this.alive[broker] = false;
    const incarnation = ++this.incarnation[broker];
    this.ledger.mark('broker-crash', `broker-${broker}`, detail);
    for (const p of this.hosted[broker]) {
      const rs = this.replicas[p];
      if (rs.leader >= 0 && rs.brokers[rs.leader] === broker) {
        rs.logEnd[rs.leader] = this.partitions[p].logEndOffset;
        this.partitions[p].online = false;
        this.listener.failAwaiting(p);
      }
    }
    this.kernel.schedule(this.config.brokerSessionTimeoutMs, expireSession, { cluster: this, broker, incarnation });
  }

  /** The controller notices the crash: ISRs shrink and the broker's partitions get new leaders. */
  expire(broker: number, incarnation: number): void {
    if (this.alive[broker] || this.incarnation[broker] !== incarnation) return;
    this.ledger.mark('broker-fenced', `broker-${broker}`, 'controller session expired');
    for (const p of this.hosted[broker]) {
      const rs = this.replicas[p];
      const k = rs.brokers.indexOf(broker);
      if (rs.inSync[k] && rs.isrSize > 1) {
        rs.inSync[k] = false;
        this.ledger.mark('isr-shrink', this.partitions[p].name, `broker-${broker} out of sync`);
        // NotEnoughReplicasAfterAppend: the records stay, their producers hear an error.
        if (rs.isrSize < rs.minInSync) this.listener.failAwaiting(p);
      }
      if (rs.leader === k) this.elect(p);
      else this.advance(p);
    }
  }

  restore(broker: number): void {
    if (this.alive[broker]) return;
    this.alive[broker] = true;
    this.incarnation[broker]++;
    this.ledger.mark('broker-restart', `broker-${broker}`);
    const now = this.kernel.now;
    for (const p of this.hosted[broker]) {
      const rs = this.replicas[p];
      const k = rs.brokers.indexOf(broker);
      if (rs.leader === k) {
        // Back before anyone noticed: it leads again with its whole log.
        this.resumeFollowers(p);
        this.partitions[p].online = true;
        this.listener.leaderElected(p);
      } else if (rs.leader < 0) {
        this.elect(p);
      } else {
        rs.logEnd[k] = Math.min(rs.logEnd[k], this.partitions[p].logEndOffset);
        rs.fetchingFrom[k] = now;
        this.kernel.schedule(this.config.replicationDelayMs, fetchTick, this.ticks[p]);
      }
    }
  }

  /** Recomputes p's high watermark and tells the log if it moved. */
  private advance(p: number): void {
    const rs = this.replicas[p];
    if (rs.leader < 0 || !this.alive[rs.brokers[rs.leader]]) return;
    const partition = this.partitions[p];
    const hw = rs.highWatermark(partition.logEndOffset);
    if (hw > partition.highWatermark) this.listener.highWatermarkAdvanced(p, hw);
  }

  /** The first live ISR member leads; unclean election falls back to any live replica. */
  private elect(p: number): void {
    const rs = this.replicas[p];
    const partition = this.partitions[p];
    const live = (k: number): boolean => this.alive[rs.brokers[k]];
    let k = rs.brokers.findIndex((_, i) => live(i) && rs.inSync[i]);
    const unclean = k < 0 && this.config.uncleanLeaderElection;
    if (unclean) k = rs.brokers.findIndex((_, i) => live(i));
    const from = rs.leader >= 0 ? `broker-${rs.brokers[rs.leader]}` : 'none';
    if (k < 0) {
      if (rs.leader >= 0) {
        this.ledger.mark('partition-offline', partition.name,
          this.config.uncleanLeaderElection ? 'no live replica' : 'no live in-sync replica (unclean election off)');
      }
      rs.leader = -1;
      partition.online = false;
      return;
    }
    const end = rs.leader === k ? partition.logEndOffset : rs.logEnd[k];
    const cut = partition.logEndOffset - end;
    if (cut > 0) this.listener.truncate(p, end);
    for (let i = 0; i < rs.brokers.length; i++) {
      rs.logEnd[i] = Math.min(rs.logEnd[i], end);
      if (unclean) rs.inSync[i] = i === k;
    }
    rs.leader = k;
    partition.online = true;
    this.ledger.mark('leader-election', partition.name,
      `${from} → broker-${rs.brokers[k]}${unclean ? ' (unclean)' : ''}${cut > 0 ? `, ${cut} record${cut === 1 ? '' : 's'} cut` : ''}`);
    this.resumeFollowers(p);
    this.advance(p);
    this.listener.leaderElected(p);
  }

  private resumeFollowers(p: number): void {
    const rs = this.replicas[p];
    if (rs.brokers.length === 1) return;
    const now = this.kernel.now;
    for (let k = 0; k < rs.brokers.length; k++) if (k !== rs.leader) rs.fetchingFrom[k] = now;
    this.kernel.schedule(this.config.replicationDelayMs, fetchTick, this.ticks[p]);
  }
}

interface Tick {
  cluster: Cluster;
  p: number;
}

/** A broker as a random-crash fault sees it: it crashes at a time, never at a message's step. */
export class BrokerNode implements Crashable {
  /** Only at-time crashes are drawn for a broker: this stays null. */
  armed: CrashPoint | null = null;
  onCrash: (() => void) | null = null;

  constructor(
    private readonly cluster: Cluster,
    readonly broker: number,
  ) {}

  get alive(): boolean {
    return this.cluster.isAlive(this.broker);
  }

  crash(detail?: string): void {
    if (!this.alive) return;
    this.cluster.crash(this.broker, detail);
    const onCrash = this.onCrash;
    this.onCrash = null;
    onCrash?.();
  }

  restart(): void {
    this.cluster.restore(this.broker);
  }
}

function fetchTick({ cluster, p }: Tick): void {
  cluster.fetch(p);
}

interface BrokerEvent {
  cluster: Cluster;
  broker: number;
}

function crashBroker({ cluster, broker }: BrokerEvent): void {
  cluster.crash(broker);
}

function restoreBroker({ cluster, broker }: BrokerEvent): void {
  cluster.restore(broker);
}

function expireSession({ cluster, broker, incarnation }: BrokerEvent & { incarnation: number }): void {
  cluster.expire(broker, incarnation);
}
