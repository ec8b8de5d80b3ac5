/**
 * The Kafka producer client (docs/semantics.md, log): acks, retries with exponential backoff,
 * delivery.timeout.ms, max.in.flight.requests.per.connection and idempotence. Each record is
 * its own batch (queuesim does not model linger or batch.size for throughput).
 *
 * - acks=0: the record counts as sent at once; a write that fails is lost, nothing retries.
 * - acks=1: acknowledged when the leader has appended it.
 * - acks=all: acknowledged once the high watermark passes it (every in-sync replica has it);
 *   while the ISR is smaller than min.insync.replicas the write fails (NotEnoughReplicas).
 * - A failed write is retried after retryBackoff × 2^(failures − 1), capped at
 *   retryBackoffMax. A lost ack is noticed after requestTimeout, then retried the same way; the
 *   retry stores a second copy unless the producer is idempotent.
 * - The producer gives up on a record (rejected) once deliveryTimeout has passed since it was
 *   sent, or after `retries` retries.
 * - Order per partition (a lane): a failed write goes back to the head of its partition's
 *   queue and the partition sends nothing else while it backs off (RecordAccumulator.reenqueue
 *   and drain): records produced meanwhile wait behind its retry. Only writes already in
 *   flight can overtake it; a produce request is answered at once here, so a failed write has
 *   none behind it. A lost ack is different: the producer waits requestTimeout before it
 *   knows, and (without idempotence, with maxInFlight > 1) every record sent meanwhile lands
 *   first: reordering. Then the timed-out write backs off at the head like a failed one.
 *   maxInFlight = 1 holds the records behind a write whose ack was lost from the start.
 *
 * - Size: a record larger than max.request.size is refused by the producer itself, one larger
 *   than the broker's message.max.bytes by the broker; neither is retried (rejected, cause
 *   `record-too-large`; under acks=0 the producer never hears of the broker's refusal: lost).
 *
 * Records travel without any per-record object until something delays them.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts, MessageId } from '../facts.js';
import { Fifo } from '../../sim/ring.js';
import type { Partitioner } from './partitioner.js';

export type Acks = 0 | 1 | 'all';

export interface LogProducerConfig {
  /** The ledger's producer index. */
  index: number;
  /** Global index of the first partition of the topic it writes to. */
  firstPartition: number;
  sizeBytes: number;
  partitioner: Partitioner;
  acks: Acks;
  /** enable.idempotence: the broker drops a retried copy it already stored, and keeps order. */
  idempotent: boolean;
  maxInFlight: number;
  retries: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  deliveryTimeoutMs: number;
  /** max.request.size: the producer refuses a larger record (RecordTooLargeException). */
  maxRequestSizeBytes: number;
  /** The broker's message.max.bytes: it refuses a larger record batch (MESSAGE_TOO_LARGE). */
  messageMaxBytes: number;
}

/** The cause of a rejection (or, under acks=0, a loss) for a record over a size limit. */
export const RECORD_TOO_LARGE = 'record-too-large';

/** The partition has no leader or too few in-sync replicas: nothing was stored. */
export const UNAVAILABLE = -1;
/** The write failed on its own (an injected broker fault): nothing was stored. */
export const FAILED = -2;

/** What the producer asks of the log. */
export interface LogWriter {
  /**
   * Stores record `id` in partition p and returns its offset, or UNAVAILABLE / FAILED.
   * `previous` is where an earlier attempt landed (-1 if none): an idempotent producer's copy
   * is recognised there and not stored again.
   */
  write(id: MessageId, p: number, previous: number, producer: LogProducerClient): number;
  /** True once the high watermark of p is past `offset`. */
  replicatedPast(p: number, offset: number): boolean;
  /** Calls `answered(write)` once the high watermark of p passes `write.offset`. */
  awaitReplication(p: number, write: Write): void;
  /** Draws whether the broker's answer to a write is lost (a fault window is open). */
  ackLost(): boolean;
  /** An acks=0 record that never landed: lost for every group reading p. */
  lost(id: MessageId, p: number, cause: string): void;
}

/** A record the producer still has to deliver: made only when something delays it. */
export class Write {
  attempts = 1;
  /** Where its latest attempt landed; -1 if none did. */
  offset = -1;

  constructor(
    readonly producer: LogProducerClient,
    readonly id: MessageId,
    readonly p: number,
    readonly deadlineMs: number,
  ) {}
}

/** The records held back behind a failed write to one partition, oldest first. */
class Lane {
  head: Write | null = null;
  readonly waiting = new Fifo<Write>();

  /** Queues w in message-id (send) order. */
  hold(w: Write): void {
    this.waiting.insertBefore(w, (queued) => queued.id > w.id);
  }

  take(): Write | null {
    return this.waiting.length > 0 ? this.waiting.shift() : null;
  }
}

export class LogProducerClient {
  private readonly lanes: (Lane | undefined)[] = [];
  /** Who refuses every record for its size: the producer, the broker, or nobody. */
  private readonly tooLarge: 'producer' | 'broker' | null;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly log: LogWriter,
    readonly config: LogProducerConfig,
  ) {
    this.tooLarge = config.sizeBytes > config.maxRequestSizeBytes ? 'producer'
      : config.sizeBytes > config.messageMaxBytes ? 'broker' : null;
  }

  publish(id: MessageId): void {
    const { firstPartition, partitioner, sizeBytes, acks } = this.config;
    // KafkaProducer checks the size before a record without a key gets its sticky partition.
    if (this.tooLarge === 'producer') return this.ledger.reject(id, RECORD_TOO_LARGE);
    const p = firstPartition + partitioner.choose(this.ledger.keyOfMessage(id), sizeBytes);
    if (acks === 0) this.ledger.accept(id);
    if (this.tooLarge === 'broker') {
      if (acks === 0) this.log.lost(id, p, RECORD_TOO_LARGE);
      else this.ledger.reject(id, RECORD_TOO_LARGE);
      return;
    }
    const lane = this.lanes[p];
    if (lane !== undefined && lane.head !== null) lane.hold(this.track(id, p));
    else this.send(null, id, p);
  }

  /** The broker answered a write that landed (an acks=all one once it was replicated). */
  answered(w: Write | null, id: MessageId, p: number, offset: number): void {
    if (this.log.ackLost()) {
      const write = w ?? this.track(id, p);
      write.offset = offset;
      if (this.config.maxInFlight === 1 && !this.holdBehind(write)) return;
      this.kernel.schedule(this.config.requestTimeoutMs, timedOut, write);
      return;
    }
    this.ledger.accept(id);
    if (w !== null) this.finished(w);
  }

  /**
   * A write that stored nothing, whose leader died before answering, or whose answer did not
   * come within requestTimeout: it backs off at the head of its lane.
   */
  failed(w: Write): void {
    if (this.config.acks === 0) {
      this.log.lost(w.id, w.p, 'write-failed');
      return this.finished(w);
    }
    if (w.attempts > this.config.retries) return this.giveUp(w, 'retries-exhausted');
    if (!this.holdBehind(w)) return;
    const at = Math.min(this.kernel.now + this.backoff(w), Math.max(w.deadlineMs, this.kernel.now));
    this.kernel.at(at, retryWrite, w);
  }

  retry(w: Write): void {
    if (this.kernel.now >= w.deadlineMs) return this.giveUp(w, 'delivery-timeout');
    w.attempts++;
    const lane = this.lanes[w.p];
    // With more than one request in flight the partition is muted only while w backs off:
    // its retry goes first, the records held behind it follow without waiting for its answer.
    if (this.config.maxInFlight === 1 || lane === undefined || lane.head !== w) return this.send(w, w.id, w.p);
    lane.head = null;
    this.send(w, w.id, w.p);
    this.drain(lane);
  }

  private send(w: Write | null, id: MessageId, p: number): void {
    const offset = this.log.write(id, p, w === null ? -1 : w.offset, this);
    if (offset < 0) return this.failed(w ?? this.track(id, p));
    if (this.config.acks === 0) {
      if (w !== null) this.finished(w);
      return;
    }
    if (this.config.acks === 'all' && !this.log.replicatedPast(p, offset)) {
      const write = w ?? this.track(id, p);
      write.offset = offset;
      this.log.awaitReplication(p, write);
      return;
    }
    this.answered(w, id, p, offset);
  }

  private track(id: MessageId, p: number): Write {
    return new Write(this, id, p, this.ledger.produceTimeOf(id) + this.config.deliveryTimeoutMs);
  }

  /** Makes w the write its lane waits for; false if another write leads and w must queue. */
  private holdBehind(w: Write): boolean {
    const lane = (this.lanes[w.p] ??= new Lane());
    if (lane.head === null || lane.head === w) {
      lane.head = w;
      return true;
    }
    lane.hold(w);
    return false;
  }

  private giveUp(w: Write, cause: string): void {
    this.ledger.reject(w.id, cause);
    this.finished(w);
  }

  /** w is done; if its lane waited for it, the held records go out in order. */
  private finished(w: Write): void {
    const lane = this.lanes[w.p];
    if (lane === undefined || lane.head !== w) return;
    lane.head = null;
    this.drain(lane);
  }

  /** Sends the held records in order until one of them has to lead the lane again. */
  private drain(lane: Lane): void {
    for (let next = lane.head === null ? lane.take() : null; next !== null; next = lane.head === null ? lane.take() : null) {
      if (this.kernel.now >= next.deadlineMs) this.giveUp(next, 'delivery-timeout');
      else this.send(next, next.id, next.p);
    }
  }

  private backoff(w: Write): number {
    const { retryBackoffMs, retryBackoffMaxMs } = this.config;
    return Math.min(retryBackoffMs * 2 ** (w.attempts - 1), retryBackoffMaxMs);
  }
}

function retryWrite(w: Write): void {
  w.producer.retry(w);
}

function timedOut(w: Write): void {
  w.producer.failed(w);
}
