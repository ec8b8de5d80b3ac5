/**
 * A log consumer's connection to the brokers over a network (docs/semantics.md, log): its
 * fetches and its offset commits take time. Without a `network` setting a consumer has no
 * connection: it reads up to the high watermark and commits at once.
 *
 * Fetches: one fetch request is outstanding at a time. It reaches the broker half a round trip
 * after it is sent; the broker answers at once if one of the member's partitions has records
 * it has not sent yet, and otherwise holds it until one has (a long poll with
 * fetch.min.bytes = 1). The answer carries everything readable then, and reaches the consumer
 * half a round trip later; the next request goes out as soon as it arrives, while the
 * consumer works (Kafka's fetcher pipelines its fetches). So a record appended to an idle
 * consumer's partition reaches it half a round trip later, and a consumer with a backlog
 * never waits for the network. After an assignment or a seek the next fetch starts afresh: a
 * full round trip.
 *
 * Commits: a commit request reaches the group coordinator half a round trip after it is sent,
 * and is checked and applied there. A synchronous commit (commitSync) waits for the answer, a
 * full round trip; an asynchronous one (auto-commit) does not.
 */
import type { Kernel } from '../../sim/kernel.js';
import { Link, type Network } from '../network.js';
import type { LogGroup, Member } from './group-coordinator.js';
import type { Partition } from './partition.js';

/** What the consumer does once a synchronous commit is answered. */
export type AfterCommit = 'process' | 'next-record' | 'poll' | 'rejoin' | 'depart';

/** The consumer side of a connection. */
export interface ConnectionOwner {
  readonly member: Member | null;
  /** A fetch answer arrived: new records may be readable. */
  fetched(): void;
  /** A synchronous commit was answered. */
  committed(then: AfterCommit): void;
}

interface FetchRequest {
  connection: BrokerConnection;
}

interface CommitRequest {
  connection: BrokerConnection;
  life: number;
  member: Member;
  /** Pairs of (global partition, offset). */
  offsets: number[];
  then: AfterCommit | null;
}

export class BrokerConnection {
  /** Per global partition: records below this have reached the consumer. */
  private readonly visibleTo: Float64Array;
  /** Per global partition: what the broker has sent this consumer up to (its fetch offset). */
  private readonly answeredTo: Float64Array;
  private readonly toBroker: Link;
  private readonly toConsumer: Link;
  /** The outstanding fetch; null when none is. */
  private fetch: FetchRequest | null = null;
  /** Held at the broker, waiting for records. */
  private parked = false;
  /** Bumped when the consumer crashes: answers to an earlier life are not heard. */
  private life = 0;

  constructor(
    kernel: Kernel,
    network: Network,
    private readonly partitions: Partition[],
    private readonly group: LogGroup,
    private readonly owner: ConnectionOwner,
  ) {
    this.visibleTo = new Float64Array(partitions.length);
    this.answeredTo = new Float64Array(partitions.length);
    this.toBroker = new Link(kernel, network);
    this.toConsumer = new Link(kernel, network);
  }

  /** How far partition `p` can be read: what reached the consumer, and never past the high watermark. */
  readableTo(p: number): number {
    return Math.min(this.visibleTo[p], this.partitions[p].highWatermark);
  }

  /**
   * Nothing of partition `p` from `offset` on has arrived yet (an assignment, a seek): a fresh
   * fetch goes out, and an answer already on its way is not used.
   */
  reset(p: number, offset: number): void {
    // The broker's record of what it sent goes back to what reached the consumer, for every
    // partition: an answer still on the wire is dropped, and its records must be sent again.
    this.answeredTo.set(this.visibleTo);
    this.visibleTo[p] = offset;
    this.answeredTo[p] = offset;
    this.fetch = null;
    this.parked = false;
    this.ensureFetch();
  }

  /** Partition `p`'s log was cut back to `to`. */
  cutBack(p: number, to: number): void {
    if (this.visibleTo[p] > to) this.visibleTo[p] = to;
    if (this.answeredTo[p] > to) this.answeredTo[p] = to;
  }

  /** Makes sure a fetch is outstanding. */
  ensureFetch(): void {
    if (this.fetch !== null) return;
    const request: FetchRequest = { connection: this };
    this.fetch = request;
    this.toBroker.send(fetchReachesBroker, request);
  }

  /** The consumer crashed: nothing it had asked for reaches it any more. */
  close(): void {
    this.life++;
    this.fetch = null;
    this.parked = false;
  }

  /** Broker side: the consumer's partitions may have new readable records. */
  recordsReadable(): void {
    if (this.parked) this.answerIfReadable();
  }

  fetchReachesBroker(request: FetchRequest): void {
    if (request !== this.fetch) return;
    this.parked = true;
    this.answerIfReadable();
  }

  fetchReachesConsumer(request: FetchRequest): void {
    if (request !== this.fetch) return;
    this.fetch = null;
    const member = this.owner.member;
    if (member !== null) for (const p of member.assigned) this.visibleTo[p] = this.answeredTo[p];
    this.owner.fetched();
  }

  /**
   * Sends the commits `offsets` (pairs of global partition and offset); `then` waits for the
   * answer (commitSync), null does not (commitAsync).
   */
  commit(member: Member, offsets: number[], then: AfterCommit | null): void {
    this.toBroker.send(commitReachesBroker, { connection: this, life: this.life, member, offsets, then });
  }

  commitReachesBroker(request: CommitRequest): void {
    const { member, offsets } = request;
    for (let k = 0; k < offsets.length; k += 2) this.group.commit(member, offsets[k], offsets[k + 1]);
    if (request.then !== null) this.toConsumer.send(commitReachesConsumer, request);
  }

  commitReachesConsumer(request: CommitRequest): void {
    if (request.life === this.life) this.owner.committed(request.then!);
  }

  private answerIfReadable(): void {
    const member = this.owner.member;
    if (member === null || !member.inGroup) return;
    let readable = false;
    for (const p of member.assigned) {
      if (this.partitions[p].highWatermark > this.answeredTo[p]) readable = true;
    }
    if (!readable) return;
    for (const p of member.assigned) {
      const hw = this.partitions[p].highWatermark;
      if (hw > this.answeredTo[p]) this.answeredTo[p] = hw;
    }
    this.parked = false;
    this.toConsumer.send(fetchReachesConsumer, this.fetch!);
  }
}

function fetchReachesBroker(request: FetchRequest): void {
  request.connection.fetchReachesBroker(request);
}

function fetchReachesConsumer(request: FetchRequest): void {
  request.connection.fetchReachesConsumer(request);
}

function commitReachesBroker(request: CommitRequest): void {
  request.connection.commitReachesBroker(request);
}

function commitReachesConsumer(request: CommitRequest): void {
  request.connection.commitReachesConsumer(request);
}
