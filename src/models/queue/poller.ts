/**
 * SQS consumers: pull-based. Each instance runs `concurrency` poll loops; a loop calls
 * ReceiveMessage (a batch of 1–10, long polling with a wait or short polling every
 * `pollInterval`), processes the batch one message after another, deletes what it processed
 * (DeleteMessageBatch at the end of the batch, or DeleteMessage after each message), and polls
 * again. While it holds a batch, an optional heartbeat extends the visibility timeout with
 * ChangeMessageVisibility.
 *
 * Guarantees, crash points, poison handling, leave and restart are the core's
 * (consumer-core.ts); this file is the poll adapter: the poll loops (each one's batch is the
 * core's batch), the deletes and the heartbeat:
 * - at-least-once: process, then delete. effectively-once adds the idempotency store.
 * - at-most-once: delete the batch on receipt, then process; a crash before processing loses it.
 * - A crash abandons the held batch. SQS does not notice: the messages stay in flight until
 *   their visibility timeout runs out, then reappear (this is the difference from a broker).
 * - A failing handler (a poison message) does not delete the message, whatever `onError` says:
 *   SQS has no nack, so it reappears after the visibility timeout and, with a redrive policy,
 *   reaches the dead-letter queue once its receive count passes maxReceiveCount. With
 *   `failureVisibility` the consumer calls ChangeMessageVisibility on it instead (0: at once).
 * - Throttled calls (FIFO limits) are retried after an exponential backoff.
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts, MessageId } from '../facts.js';
import { ConsumerCore, type Batch, type FailureOutcome, type InstanceOptions } from '../consumer-core.js';
import type { FaultTarget } from '../faults.js';
import type { ReceivedBatch, ReceiveOutcome, Receiver, SqsQueue } from './sqs-queue.js';
import { throttleBackoffMs } from './throttle.js';
import { Link, type Network } from '../network.js';

export interface Heartbeat {
  everyMs: number;
  /** Each ChangeMessageVisibility sets the timeout to this, counted from the call. */
  extendMs: number;
}

export interface PollerOptions {
  base: InstanceOptions;
  queue: SqsQueue;
  batchSize: number;
  /** Long-poll wait; 0 for short polling. */
  waitMs: number;
  /** Pause after an empty short poll. */
  pollIntervalMs: number;
  heartbeat: Heartbeat | null;
  deletes: 'batch' | 'each';
  /** On a handler failure, ChangeMessageVisibility to this (by receive count); null: no call. */
  failureVisibility: ((receives: number) => number) | null;
  /** The network between the consumer and the queue; null for none (instant calls). */
  network: Network | null;
  /** No request is sent at or after the end of the run. */
  endMs: number;
}

export class SqsConsumer extends ConsumerCore<PollLoop> implements FaultTarget {
  private loops: PollLoop[] = [];
  private stoppedLoops = 0;

  constructor(
    kernel: Kernel,
    ledger: Facts,
    readonly settings: PollerOptions,
  ) {
    super(kernel, ledger, settings.base);
  }

  /** Starts the poll loops. */
  startLoops(): void {
    this.loops = Array.from({ length: this.options.concurrency }, () => new PollLoop(this));
    for (const loop of this.loops) loop.poll();
  }

  /** A loop of a leaving consumer would poll again: it stops; the last one takes the consumer down. */
  loopStopped(): void {
    if (++this.stoppedLoops < this.loops.length) return;
    this.departed();
  }

  /** A loop received a batch: the core handles it. */
  received(loop: PollLoop): void {
    this.handleBatch(loop);
  }

  /** A throttled delete went through on retry: handling goes on where it waited. */
  deleted(loop: PollLoop, waiting: DeleteWaiter): void {
    if (waiting === 'receipt') this.receiptSettled(loop);
    else if (waiting === 'next') this.handleNext(loop);
    else loop.batchDeleted();
  }

  protected idOf(loop: PollLoop, i: number): MessageId {
    return loop.batch!.ids[i];
  }

  protected attemptOf(loop: PollLoop, i: number): number {
    return loop.batch!.handles[i];
  }

  /** At-most-once: the whole batch is deleted on receipt. */
  protected settleOnReceipt(loop: PollLoop): boolean {
    return loop.deleteAll();
  }

  /** Deleted now (DeleteMessage each) or with the batch (DeleteMessageBatch). */
  protected settle(loop: PollLoop, i: number): boolean {
    return loop.processed(i);
  }

  /**
   * SQS has no nack: whatever onError asks for, a failed message is not deleted and reappears
   * after its visibility timeout, or sooner if the consumer changes its visibility. At-most-once
   * deleted it on receipt: lost.
   */
  protected failed(loop: PollLoop, i: number, outcome: FailureOutcome): void {
    if (outcome !== 'lost') loop.changeFailedVisibility(i);
  }

  protected finished(loop: PollLoop): void {
    loop.finishBatch();
  }

  /** The held batches are abandoned; SQS does not notice, they stay in flight. */
  protected abandonHeld(): void {
    for (const loop of this.loops) loop.abandon();
  }

  /** Each loop finishes its batch and stops instead of polling again. */
  protected startLeaving(): void {
    this.stoppedLoops = 0;
  }

  protected override wentDown(): void {
    this.loops = [];
  }

  protected resume(): void {
    this.startLoops();
  }
}

/**
 * What a delete call holds up until it is answered: handling after the receipt (at-most-once),
 * the next message (DeleteMessage each, over a network), or the next poll.
 */
type DeleteWaiter = 'receipt' | 'next' | 'batch';

/** A loop's connection to the queue over a network: one link each way. */
interface Connection {
  toQueue: Link;
  toConsumer: Link;
}

interface ReceiveAnswer {
  loop: PollLoop;
  batch: ReceivedBatch;
  outcome: ReceiveOutcome;
}

interface DeleteCall {
  loop: PollLoop;
  batch: ReceivedBatch;
  entries: number[];
  waiting: DeleteWaiter | null;
}

interface VisibilityCall {
  queue: SqsQueue;
  batch: ReceivedBatch;
  from: number;
  to: number;
  extendMs: number;
}

/** One poll loop (a consumer thread), and the batch it holds. A crash kills it; a restart makes new ones. */
class PollLoop implements Receiver, Batch {
  dead = false;
  batch: ReceivedBatch | null = null;
  /** Index of the message being handled. */
  current = 0;
  /** Entries processed (or suppressed) and still to delete, for DeleteMessageBatch. */
  private toDelete: number[] = [];
  private throttles = 0;
  /** Inside received(): a batch that finishes here polls again through the kernel. */
  private receiving = false;
  /** Over a network: every call takes half a round trip each way. */
  private readonly connection: Connection | null;

  constructor(private readonly consumer: SqsConsumer) {
    const { kernel, settings } = consumer;
    const network = settings.network;
    this.connection = network === null ? null : { toQueue: new Link(kernel, network), toConsumer: new Link(kernel, network) };
  }

  get length(): number {
    return this.batch!.length;
  }

  get cancelled(): boolean {
    return this.dead;
  }

  poll(): void {
    const { kernel, settings: options } = this.consumer;
    if (this.dead || kernel.now >= options.endMs) return;
    if (this.consumer.leaving) {
      this.dead = true;
      return this.consumer.loopStopped();
    }
    if (this.connection === null) this.receive();
    else this.connection.toQueue.send(receiveReachesQueue, this);
  }

  /** ReceiveMessage at the queue: the messages it takes are in flight from now. */
  receive(): void {
    const { queue, batchSize, waitMs } = this.consumer.settings;
    queue.receive(this, batchSize, waitMs);
  }

  /** The queue's answer; over a network it is still on its way to the consumer. */
  received(batch: ReceivedBatch, outcome: ReceiveOutcome): void {
    if (this.connection === null) this.answered(batch, outcome);
    else this.connection.toConsumer.send(receiveReachesConsumer, { loop: this, batch, outcome });
  }

  /**
   * The answer reached the consumer. A crashed consumer's answer is lost on the way: its
   * messages stay in flight until their visibility timeout.
   */
  answered(batch: ReceivedBatch, outcome: ReceiveOutcome): void {
    if (this.dead) return;
    const { kernel, settings: options } = this.consumer;
    if (outcome === 'throttled') {
      kernel.schedule(throttleBackoffMs(this.throttles++), poll, this);
      return;
    }
    this.throttles = 0;
    if (outcome !== 'messages') {
      // An empty long poll already waited; an empty short poll waits a poll interval.
      if (options.waitMs > 0 && outcome === 'empty') this.poll();
      else kernel.schedule(options.pollIntervalMs, poll, this);
      return;
    }
    this.receiving = true;
    this.start(batch);
    this.receiving = false;
  }

  private start(batch: ReceivedBatch): void {
    const { ledger, settings: options } = this.consumer;
    const { group } = options.base;
    this.batch = batch;
    this.current = 0;
    this.toDelete = [];
    for (let i = 0; i < batch.length; i++) ledger.deliver(group, batch.ids[i], batch.handles[i], this.consumer.name);
    if (options.heartbeat !== null) this.consumer.kernel.schedule(options.heartbeat.everyMs, beat, { loop: this, batch });
    this.consumer.received(this);
  }

  /** At-most-once: every message of the batch is deleted before handling. */
  deleteAll(): boolean {
    for (let i = 0; i < this.batch!.length; i++) this.toDelete.push(i);
    return this.deleteHeld('receipt');
  }

  /**
   * Message `i` may be deleted: now (DeleteMessage each) or at the end of the batch. A
   * throttled DeleteMessage does not hold up the next message: its retry goes on alongside.
   */
  processed(i: number): boolean {
    this.toDelete.push(i);
    if (this.consumer.settings.deletes !== 'each') return true;
    // A DeleteMessage call is answered before the next message (a network makes it wait).
    if (this.connection !== null) return this.deleteHeld('next');
    this.deleteHeld(null);
    return true;
  }

  /** ChangeMessageVisibility on failed message `i`, if the consumer is set to (a throttled call is not retried). */
  changeFailedVisibility(i: number): void {
    const batch = this.batch!;
    const { queue, failureVisibility } = this.consumer.settings;
    if (failureVisibility === null || !queue.admit('ChangeMessageVisibility')) return;
    this.changeVisibility(batch, i, i + 1, failureVisibility(batch.handles[i]));
  }

  /** ChangeMessageVisibility(Batch) on entries `from…to − 1`, applied where the call reaches the queue. */
  private changeVisibility(batch: ReceivedBatch, from: number, to: number, extendMs: number): void {
    const queue = this.consumer.settings.queue;
    if (this.connection === null) queue.changeVisibility(batch, from, extendMs, to);
    else this.connection.toQueue.send(visibilityReachesQueue, { queue, batch, from, to, extendMs });
  }

  finishBatch(): void {
    if (this.deleteHeld('batch')) this.batchDeleted();
  }

  batchDeleted(): void {
    this.batch = null;
    // A batch of only suppressed redeliveries finished inside the receive that brought it:
    // poll through the kernel, so a run of them cannot nest calls without bound.
    if (this.receiving) this.consumer.kernel.schedule(0, poll, this);
    else this.poll();
  }

  /**
   * Deletes the entries in `toDelete` with one call (DeleteMessage or DeleteMessageBatch). True
   * when done at once; false when the call is retried after a throttle or crosses a network,
   * and handling resumes at `waiting` once it is answered.
   */
  private deleteHeld(waiting: DeleteWaiter | null): boolean {
    const batch = this.batch!;
    const { queue } = this.consumer.settings;
    if (this.toDelete.length === 0) return true;
    if (!queue.admit(this.toDelete.length > 1 ? 'DeleteMessageBatch' : 'DeleteMessage')) {
      const delay = throttleBackoffMs(this.throttles++);
      this.consumer.kernel.schedule(delay, retryDelete, { loop: this, waiting });
      return false;
    }
    this.throttles = 0;
    queue.billDelete(this.toDelete.length);
    const entries = this.toDelete;
    this.toDelete = [];
    if (this.connection === null) {
      for (const i of entries) queue.delete(batch, i);
      return true;
    }
    this.connection.toQueue.send(deleteReachesQueue, { loop: this, batch, entries, waiting });
    return false;
  }

  /** A delete call reached the queue: applied there, even if its sender crashed meanwhile. */
  deleteReachesQueue(call: DeleteCall): void {
    const queue = this.consumer.settings.queue;
    for (const i of call.entries) queue.delete(call.batch, i);
    if (call.waiting !== null) this.connection!.toConsumer.send(deleteAnswered, call);
  }

  deleteAnswered(waiting: DeleteWaiter): void {
    if (!this.dead) this.consumer.deleted(this, waiting);
  }

  retryDelete(waiting: DeleteWaiter | null): void {
    if (!this.dead && this.deleteHeld(waiting) && waiting !== null) this.consumer.deleted(this, waiting);
  }

  /** Heartbeat: extend the visibility of the messages of `batch` not yet deleted. */
  heartbeat(batch: ReceivedBatch): void {
    if (this.dead || this.batch !== batch) return;
    const { queue, heartbeat } = this.consumer.settings;
    const hb = heartbeat as Heartbeat;
    const from = this.consumer.settings.deletes === 'each' ? this.current : 0;
    if (queue.admit(from < batch.length - 1 ? 'ChangeMessageVisibilityBatch' : 'ChangeMessageVisibility')) {
      this.changeVisibility(batch, from, batch.length, hb.extendMs);
    }
    this.consumer.kernel.schedule(hb.everyMs, beat, { loop: this, batch });
  }

  /** The consumer crashed: the held batch is abandoned and stays in flight until it times out. */
  abandon(): void {
    this.dead = true;
    const batch = this.batch;
    if (batch === null) return;
    const { ledger, settings: options } = this.consumer;
    for (let i = this.current; i < batch.length; i++) ledger.abandon(options.base.group, batch.ids[i], 'crash-after-ack');
    this.batch = null;
  }
}

function poll(loop: PollLoop): void {
  loop.poll();
}

function beat({ loop, batch }: { loop: PollLoop; batch: ReceivedBatch }): void {
  loop.heartbeat(batch);
}

function receiveReachesQueue(loop: PollLoop): void {
  loop.receive();
}

function receiveReachesConsumer({ loop, batch, outcome }: ReceiveAnswer): void {
  loop.answered(batch, outcome);
}

function deleteReachesQueue(call: DeleteCall): void {
  call.loop.deleteReachesQueue(call);
}

function deleteAnswered(call: DeleteCall): void {
  call.loop.deleteAnswered(call.waiting!);
}

function visibilityReachesQueue({ queue, batch, from, to, extendMs }: VisibilityCall): void {
  queue.changeVisibility(batch, from, extendMs, to);
}

function retryDelete({ loop, waiting }: { loop: PollLoop; waiting: DeleteWaiter | null }): void {
  loop.retryDelete(waiting);
}
