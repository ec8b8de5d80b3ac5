/**
 * SQS consumers: pull-based. Each instance runs `concurrency` poll loops; a loop calls
 * ReceiveMessage (a batch of 1–10, long polling with a wait or short polling every
 * `pollInterval`), processes the batch one message after another, deletes what it processed
 * (DeleteMessageBatch at the end of the batch, or DeleteMessage after each message), and polls
 * again. While it holds a batch, an optional heartbeat extends the visibility timeout with
 * ChangeMessageVisibility.
 *
 * Guarantees, crash points, poison handling, leave and restart are the core's
 * (consumer-core.ts); this file adds the poll loops, the deletes and the heartbeat:
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
import type { Facts } from '../facts.js';
import { ConsumerCore, type InstanceOptions } from '../consumer-core.js';
import type { FaultTarget } from '../faults.js';
import type { ReceivedBatch, ReceiveOutcome, Receiver, SqsQueue } from './sqs-queue.js';
import { throttleBackoffMs } from './throttle.js';

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
  /** No request is sent at or after the end of the run. */
  endMs: number;
}

export class SqsConsumer extends ConsumerCore implements FaultTarget {
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

/** One poll loop (a consumer thread). A crash kills it; a restart makes new ones. */
class PollLoop implements Receiver {
  dead = false;
  private batch: ReceivedBatch | null = null;
  /** Index of the message being processed. */
  private next = 0;
  /** Entries processed (or suppressed) and still to delete, for DeleteMessageBatch. */
  private toDelete: number[] = [];
  private throttles = 0;
  /** Whether this batch waited for a handler event (then polling again at once cannot recurse). */
  private waited = false;

  constructor(private readonly consumer: SqsConsumer) {}

  poll(): void {
    const { kernel, settings: options } = this.consumer;
    if (this.dead || kernel.now >= options.endMs) return;
    if (this.consumer.leaving) {
      this.dead = true;
      return this.consumer.loopStopped();
    }
    options.queue.receive(this, options.batchSize, options.waitMs);
  }

  received(batch: ReceivedBatch, outcome: ReceiveOutcome): void {
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
    this.start(batch);
  }

  private start(batch: ReceivedBatch): void {
    const { ledger, settings: options } = this.consumer;
    const { group } = options.base;
    this.batch = batch;
    this.next = 0;
    this.toDelete = [];
    this.waited = false;
    for (let i = 0; i < batch.length; i++) ledger.deliver(group, batch.ids[i], batch.handles[i], this.consumer.name);
    if (options.heartbeat !== null) this.consumer.kernel.schedule(options.heartbeat.everyMs, beat, { loop: this, batch });
    if (this.consumer.settlesFirst) {
      for (let i = 0; i < batch.length; i++) this.toDelete.push(i);
      this.deleteHeld(() => {
        if (!this.consumer.crashesAt('after-ack-before-process')) this.processNext();
      });
      return;
    }
    this.processNext();
  }

  /** Processes message `next`, or finishes the batch. */
  private processNext(): void {
    const batch = this.batch as ReceivedBatch;
    const { settings: options } = this.consumer;
    const consumer = this.consumer;
    while (this.next < batch.length) {
      if (!consumer.settlesFirst && consumer.alreadyApplied(batch.ids[this.next])) {
        this.processed(this.next++);
        continue;
      }
      this.waited = true;
      consumer.startHandler(batch.ids[this.next], this, done, crashMidProcess);
      return;
    }
    this.finishBatch();
  }

  /** The handler of message `next` finished. */
  complete(): void {
    if (this.dead) return;
    const batch = this.batch as ReceivedBatch;
    const consumer = this.consumer;
    const i = this.next++;
    const id = batch.ids[i];
    if (consumer.handlerFails(id, batch.handles[i])) {
      // At-most-once deleted it on receipt: lost. Otherwise, whatever onError asks for, SQS
      // has no nack: it is not deleted and reappears after the visibility timeout, or sooner
      // if the consumer changes its visibility.
      consumer.handlerFailed(id);
      if (!consumer.settlesFirst) this.changeFailedVisibility(batch, i);
      return this.processNext();
    }
    consumer.applyEffect(id);
    if (!consumer.settlesFirst) {
      if (consumer.crashesAt('after-process-before-ack')) return;
      this.processed(i);
    }
    this.processNext();
  }

  /** ChangeMessageVisibility on failed message `i`, if the consumer is set to (a throttled call is not retried). */
  private changeFailedVisibility(batch: ReceivedBatch, i: number): void {
    const { queue, failureVisibility } = this.consumer.settings;
    if (failureVisibility === null || !queue.admit('ChangeMessageVisibility')) return;
    queue.changeVisibility(batch, i, failureVisibility(batch.handles[i]), i + 1);
  }

  /** Message `i` may be deleted: now (DeleteMessage each) or at the end of the batch. */
  private processed(i: number): void {
    this.toDelete.push(i);
    if (this.consumer.settings.deletes === 'each') this.deleteHeld(null);
  }

  private finishBatch(): void {
    this.deleteHeld(() => {
      this.batch = null;
      // A batch of only suppressed redeliveries finished inside the receive that brought it:
      // poll through the kernel, so a run of them cannot nest calls without bound.
      if (this.waited) this.poll();
      else this.consumer.kernel.schedule(0, poll, this);
    });
  }

  /**
   * Deletes the entries in `toDelete` with one call (DeleteMessage or DeleteMessageBatch),
   * retrying a throttled call after a backoff, then continues with `then`.
   */
  private deleteHeld(then: (() => void) | null): void {
    const batch = this.batch as ReceivedBatch;
    const { queue } = this.consumer.settings;
    if (this.toDelete.length > 0) {
      if (!queue.admit(this.toDelete.length > 1 ? 'DeleteMessageBatch' : 'DeleteMessage')) {
        const delay = throttleBackoffMs(this.throttles++);
        this.consumer.kernel.schedule(delay, retryDelete, { loop: this, then });
        return;
      }
      this.throttles = 0;
      queue.billDelete(this.toDelete.length);
      for (const i of this.toDelete) queue.delete(batch, i);
      this.toDelete = [];
    }
    then?.();
  }

  retryDelete(then: (() => void) | null): void {
    if (!this.dead) this.deleteHeld(then);
  }

  /** Heartbeat: extend the visibility of the messages of `batch` not yet deleted. */
  heartbeat(batch: ReceivedBatch): void {
    if (this.dead || this.batch !== batch) return;
    const { queue, heartbeat } = this.consumer.settings;
    const hb = heartbeat as Heartbeat;
    const from = this.consumer.settings.deletes === 'each' ? this.next : 0;
    if (queue.admit(from < batch.length - 1 ? 'ChangeMessageVisibilityBatch' : 'ChangeMessageVisibility')) {
      queue.changeVisibility(batch, from, hb.extendMs);
    }
    this.consumer.kernel.schedule(hb.everyMs, beat, { loop: this, batch });
  }

  /** The consumer crashed: the held batch is abandoned and stays in flight until it times out. */
  abandon(): void {
    this.dead = true;
    const batch = this.batch;
    if (batch === null) return;
    const { ledger, settings: options } = this.consumer;
    for (let i = this.next; i < batch.length; i++) ledger.abandon(options.base.group, batch.ids[i], 'crash-after-ack');
    this.batch = null;
  }

  crashMidProcess(): void {
    if (!this.dead) this.consumer.crash('mid-process');
  }
}

function poll(loop: PollLoop): void {
  loop.poll();
}

function done(loop: PollLoop): void {
  loop.complete();
}

function crashMidProcess(loop: PollLoop): void {
  loop.crashMidProcess();
}

function beat({ loop, batch }: { loop: PollLoop; batch: ReceivedBatch }): void {
  loop.heartbeat(batch);
}

function retryDelete({ loop, then }: { loop: PollLoop; then: (() => void) | null }): void {
  loop.retryDelete(then);
}
