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
 * - Order per partition (a lane): a write that fails because the partition has no leader or
 *   too few in-sync replicas holds back the records behind it, as the accumulator does. With
 *   idempotence or maxInFlight = 1 any failed write does (the broker rejects out-of-sequence
 *   batches, or nothing else is in flight); maxInFlight = 1 also waits out a lost ack.
 *   Without idempotence and with more in flight, a write that fails alone is retried while the
 *   records behind it land first: reordering.
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
  /** Whether any failed write must hold back the records behind it. */
  private readonly ordered: boolean;
  /** Who refuses every record for its size: the producer, the broker, or nobody. */
  private readonly tooLarge: 'producer' | 'broker' | null;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly log: LogWriter,
    readonly config: LogProducerConfig,
  ) {
    this.ordered = config.idempotent || config.maxInFlight === 1;
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
      this.kernel.schedule(this.config.requestTimeoutMs + this.backoff(write), retryWrite, write);
      return;
    }
    this.ledger.accept(id);
    if (w !== null) this.finished(w);
  }

  /** A write that stored nothing (or whose leader died before answering). */
  failed(w: Write, unavailable: boolean): void {
    if (this.config.acks === 0) {
      this.log.lost(w.id, w.p, 'write-failed');
      return this.finished(w);
    }
    if (w.attempts > this.config.retries) return this.giveUp(w, 'retries-exhausted');
    if ((unavailable || this.ordered) && !this.holdBehind(w)) return;
    const at = Math.min(this.kernel.now + this.backoff(w), Math.max(w.deadlineMs, this.kernel.now));
    this.kernel.at(at, retryWrite, w);
  }

  retry(w: Write): void {
    if (this.kernel.now >= w.deadlineMs) return this.giveUp(w, 'delivery-timeout');
    w.attempts++;
    this.send(w, w.id, w.p);
  }

  private send(w: Write | null, id: MessageId, p: number): void {
    const offset = this.log.write(id, p, w === null ? -1 : w.offset, this);
    if (offset < 0) return this.failed(w ?? this.track(id, p), offset === UNAVAILABLE);
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
    for (let next = lane.take(); next !== null; next = lane.head === null ? lane.take() : null) {
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
