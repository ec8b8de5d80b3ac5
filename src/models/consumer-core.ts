/**
 * The consumer core: what every consumer instance does the same way, whatever the system.
 * Three adapters extend it and add only how work arrives and how it is settled:
 * - push (consumer.ts): the system pushes deliveries into free handlers; ack or nack;
 * - fetch (log/log-consumer.ts): poll() returns a batch of records; commit offsets;
 * - poll (queue/poller.ts): poll loops receive batches; delete, or change the visibility.
 *
 * Work comes in batches (a pushed delivery is a batch of one). The core handles each batch
 * the same way: settle it on receipt under at-most-once, then for each message in order run
 * the handler unless the idempotency store knows it, apply the side effect or fail, and settle
 * it; the adapter says how a settle is done and what a failure asks the system for, and may
 * answer later (a throttled delete, a settle that crosses a network).
 *
 * The guarantees: when the settle happens relative to the side effect.
 * - at-most-once: settle on receipt, then process. A crash before processing loses the message.
 * - at-least-once: process, then settle. A crash between the two repeats the side effect.
 * - effectively-once: at-least-once plus an idempotency store keyed by message id, written
 *   atomically with the side effect, so a redelivery is recognised and not applied again.
 *
 * The instance's life is a small state machine:
 *
 *   pending ──(startAt)──▶ running ──leave()──▶ leaving ──(held work done)──▶ left
 *      │                    │                           │
 *      └──────crash()───────┴──────▶ crashed            │
 *                                       │               │
 *   running ◀─────────restart()─────────┴───────────────┘
 *
 * An instance of a group with `startAt` is pending until then: it takes no work, faults pass
 * it by, and it is not counted as down. It starts in the kernel's URGENT lane, like a fault
 * (faults.ts), so work that arrives at that very instant already finds it.
 *
 * Crash points: a fault arms one (`armed`); the next message that reaches it crashes the
 * instance there, synchronously, so the crash always wins against the step that would have
 * followed. `mid-process` crashes halfway through the handler's service time.
 *
 * Poison: a failing handler applies no side effect. Under at-most-once the message was settled
 * already, so it is lost (cause `processing-failed`); otherwise the consumer's `onError` decides
 * whether the system is asked for a redelivery (`requeue`) or to reject it (`reject`), and each
 * system does that its own way.
 */
import type { Random } from '../sim/rng.js';
import type { Distribution } from '../sim/distributions.js';
import { URGENT, type Kernel } from '../sim/kernel.js';
import { pagedUint8 } from '../sim/paged.js';
import type { Facts, MessageId } from './facts.js';
import { handlerFails, type PoisonRule } from './poison.js';

export type Guarantee = 'at-most-once' | 'at-least-once' | 'effectively-once';
export const GUARANTEES: readonly Guarantee[] = [
  'at-most-once',
  'at-least-once',
  'effectively-once',
];

export type CrashPoint = 'after-process-before-ack' | 'after-ack-before-process' | 'mid-process';
export const CRASH_POINTS: readonly CrashPoint[] = [
  'after-process-before-ack',
  'after-ack-before-process',
  'mid-process',
];

/** Whether a crash point occurs at all under a guarantee (ack before or after processing). */
export function crashPointOccurs(point: CrashPoint, guarantee: Guarantee): boolean {
  if (point === 'mid-process') return true;
  const acksFirst = guarantee === 'at-most-once';
  return point === 'after-ack-before-process' ? acksFirst : !acksFirst;
}

export type OnError = 'requeue' | 'reject';
export const ON_ERROR: readonly OnError[] = ['requeue', 'reject'];

/** The side-effect store of an effectively-once consumer group: one bit per message id. */
export class IdempotencyStore {
  private readonly seen = pagedUint8();

  has(id: MessageId): boolean {
    return this.seen.get(id) !== 0;
  }

  add(id: MessageId): void {
    this.seen.set(id, 1);
  }
}

export interface InstanceOptions {
  group: number;
  groupName: string;
  index: number;
  concurrency: number;
  service: Distribution;
  guarantee: Guarantee;
  /** This instance's own service-time stream. */
  random: Random;
  /** Shared by every instance of the group, as a real store would be. */
  store: IdempotencyStore | null;
  /** Messages whose handler fails; null for none. */
  poison: PoisonRule | null;
  /** What the consumer does when its handler fails: ask for redelivery, or reject. */
  onError: OnError;
  /** When the instance comes up; 0 for the start of the run. */
  startAtMs: number;
  /** This instance's speed: its service times are divided by it (2 = twice as fast). */
  speed: number;
  /** Starts stopped (`left`), for an autoscaler to start later with restart(). */
  stopped?: boolean;
}

export type InstanceState = 'pending' | 'running' | 'leaving' | 'crashed' | 'left';

/** What a failed handler leaves the system to do with the message. */
export type FailureOutcome = 'lost' | 'requeue' | 'reject';

/**
 * A batch of messages that one handler works through in order: one pushed delivery, one poll's
 * records, one receive's messages. `current` is the index of the message being handled.
 */
export interface Batch {
  /** Set when the instance crashed: the batch's pending events must do nothing. */
  readonly cancelled: boolean;
  current: number;
  readonly length: number;
}

export abstract class ConsumerCore<B extends Batch> {
  state: InstanceState;
  /** Service times are multiplied by this (a slowdown fault sets it). */
  slowdown = 1;
  /** 1 / speed: the instance's own, constant factor on its service times. */
  private readonly pace: number;
  /** A crash waiting for the next message to reach this point. */
  armed: CrashPoint | null = null;
  /** Called once when the instance next goes down, crashed or left (a fault schedules the restart). */
  onCrash: (() => void) | null = null;
  readonly name: string;
  /** Settles on receipt, before processing (at-most-once). */
  readonly settlesFirst: boolean;

  constructor(
    readonly kernel: Kernel,
    readonly ledger: Facts,
    readonly options: InstanceOptions,
  ) {
    this.name = `${options.groupName}/${options.index}`;
    this.settlesFirst = options.guarantee === 'at-most-once';
    this.pace = 1 / options.speed;
    // startAt and an autoscaler do not go together (the scenario is refused).
    this.state = options.startAtMs > 0 ? 'pending' : options.stopped === true ? 'left' : 'running';
    if (options.startAtMs > 0) kernel.at(options.startAtMs, startInstance, this, URGENT);
  }

  /** Running or leaving: it still holds and finishes work. */
  get alive(): boolean {
    return this.state === 'running' || this.state === 'leaving';
  }

  /** Running and not shutting down: it may take more work. */
  get accepting(): boolean {
    return this.state === 'running';
  }

  get leaving(): boolean {
    return this.state === 'leaving';
  }

  /** Crash now: whatever the instance holds is abandoned. */
  crash(detail = 'at time'): void {
    if (!this.alive) return;
    this.abandonHeld();
    this.down('crash', detail);
    this.afterDown('crash');
  }

  /** A clean shutdown: no new work; the held work is finished and settled, then it goes. */
  leave(): void {
    if (this.state !== 'running') return;
    this.state = 'leaving';
    this.startLeaving();
  }

  /** Pending until now: it comes up and asks for work for the first time. */
  start(): void {
    if (this.state !== 'pending') return;
    this.state = 'running';
    this.ledger.mark('start', this.name);
    this.resume();
  }

  restart(): void {
    if (this.state !== 'crashed' && this.state !== 'left') return;
    this.state = 'running';
    this.ledger.mark('restart', this.name);
    this.ledger.instanceUp(this.options.group);
    this.resume();
  }

  /** The last held work of a clean shutdown is done: the instance goes. */
  protected departed(): void {
    this.down('leave');
    this.afterDown('leave');
  }

  /**
   * A crash point reached: crashes there if it is the armed one. Callers return at once when
   * this is true, so the step that would have followed never happens.
   */
  crashesAt(point: CrashPoint): boolean {
    if (this.armed !== point) return false;
    this.crash(point);
    return true;
  }

  // ---- one batch, handled under the guarantee: the same for every system ----------------------

  /**
   * A batch arrived (one push, one poll's records, one receive): settle it first (at-most-once)
   * or not, then handle its messages one after another.
   */
  protected handleBatch(batch: B): void {
    if (this.settlesFirst && !this.settleOnReceipt(batch)) return;
    this.receiptSettled(batch);
  }

  /** The batch is settled on receipt (or needs no settling): handling starts. */
  protected receiptSettled(batch: B): void {
    if (batch.cancelled) return;
    if (this.settlesFirst && this.crashesAt('after-ack-before-process')) return;
    this.handleNext(batch);
  }

  /**
   * Handles message `current`, or finishes the batch. A redelivery the idempotency store
   * recognises is suppressed and settled without running the handler.
   */
  protected handleNext(batch: B): void {
    while (batch.current < batch.length) {
      const i = batch.current;
      const id = this.idOf(batch, i);
      if (!this.alreadyApplied(id)) return this.startHandler(id, batch);
      batch.current++;
      if (!this.settle(batch, i)) return;
    }
    this.finished(batch);
  }

  /** The handler of message `current` finished: its side effect, then its settle unless a crash comes first. */
  private handled(batch: B): void {
    const i = batch.current;
    const id = this.idOf(batch, i);
    if (this.handlerFails(id, this.attemptOf(batch, i))) {
      batch.current++;
      this.failed(batch, i, this.handlerFailed(id));
      return this.handleNext(batch);
    }
    this.applyEffect(id, this.isReplay(batch, i));
    if (this.settlesFirst) {
      batch.current++;
      return this.handleNext(batch);
    }
    if (this.crashesAt('after-process-before-ack')) return;
    batch.current++;
    if (this.settle(batch, i)) this.handleNext(batch);
  }

  // One closure of each per instance, not per message: the event's argument is the batch.
  private readonly handlerDone = (batch: B): void => {
    if (!batch.cancelled) this.handled(batch);
  };

  private readonly handlerCrashed = (batch: B): void => {
    if (!batch.cancelled) this.crash('mid-process');
  };

  /** Runs the handler on `id` for its service time, or crashes halfway when `mid-process` is armed. */
  private startHandler(id: MessageId, batch: B): void {
    const serviceMs = this.options.service.sample(this.options.random) * this.slowdown * this.pace;
    if (this.armed === 'mid-process') {
      this.ledger.serve(this.options.group, id, serviceMs / 2, this.name);
      this.kernel.schedule(serviceMs / 2, this.handlerCrashed, batch);
    } else {
      this.ledger.serve(this.options.group, id, serviceMs, this.name);
      this.kernel.schedule(serviceMs, this.handlerDone, batch);
    }
  }

  /** A redelivery the idempotency store recognises: suppressed, not applied again. */
  private alreadyApplied(id: MessageId): boolean {
    const store = this.options.store;
    if (store === null || !store.has(id)) return false;
    this.ledger.suppress(this.options.group, id, this.name);
    return true;
  }

  /** Whether the handler of attempt `attempt` of `id` fails (a poison fault). */
  private handlerFails(id: MessageId, attempt: number): boolean {
    const poison = this.options.poison;
    return poison !== null && handlerFails(poison, id, attempt);
  }

  /** The handler finished: the side effect, recorded in the idempotency store with it. */
  private applyEffect(id: MessageId, replay: boolean): void {
    this.ledger.process(this.options.group, id, replay, this.name);
    this.options.store?.add(id);
  }

  /**
   * The handler failed: no side effect. Lost if the message was settled already; otherwise
   * what `onError` asks the system for.
   */
  private handlerFailed(id: MessageId): FailureOutcome {
    const { group, onError } = this.options;
    this.ledger.fail(group, id, this.name);
    if (this.settlesFirst) {
      this.ledger.abandon(group, id, 'processing-failed');
      return 'lost';
    }
    return onError;
  }

  /** Crashed or left: on the timeline, and the fault waiting for it may schedule the restart. */
  private down(kind: 'crash' | 'leave', detail?: string): void {
    this.state = kind === 'crash' ? 'crashed' : 'left';
    this.armed = null;
    this.ledger.mark(kind, this.name, detail);
    this.ledger.instanceDown(this.options.group);
    this.wentDown(kind);
    const onCrash = this.onCrash;
    this.onCrash = null;
    onCrash?.();
  }

  // ---- the adapter: how work arrives and is settled, each system its own way -----------------

  /** The message at index `i` of a batch, and which attempt of it this is. */
  protected abstract idOf(batch: B, i: number): MessageId;
  protected abstract attemptOf(batch: B, i: number): number;
  /** A record read again on purpose (a log replay): processed again, not a duplicate. */
  protected isReplay(_batch: B, _i: number): boolean {
    return false;
  }
  /**
   * At-most-once: settle every message of the batch before handling (ack, commit the
   * positions, delete). False when the settle completes later; then call receiptSettled().
   */
  protected abstract settleOnReceipt(batch: B): boolean;
  /**
   * Message `i` was processed, or recognised as already applied: settle it, now or with the
   * batch. False when handling must wait for the settle; then call handleNext().
   */
  protected abstract settle(batch: B, i: number): boolean;
  /** Message `i`'s handler failed: ask the system for what `outcome` says (nack, seek back, …). */
  protected abstract failed(batch: B, i: number, outcome: FailureOutcome): void;
  /** Every message of the batch handled: settle what is left and ask for more work. */
  protected abstract finished(batch: B): void;
  /** Crash: drop what it holds (cancel its batches, record what is lost). */
  protected abstract abandonHeld(): void;
  /** Leave was asked: go now if nothing is held, otherwise let the held work finish. */
  protected abstract startLeaving(): void;
  /** Down, before the restart is scheduled: tell the system (leave the group, stop loops). */
  protected wentDown(_kind: 'crash' | 'leave'): void {}
  /** Down, after the restart is scheduled: hand back what it held. */
  protected afterDown(_kind: 'crash' | 'leave'): void {}
  /** Started or restarted: ask for work (subscribe, poll, join). */
  protected abstract resume(): void;
}

function startInstance(instance: { start(): void }): void {
  instance.start();
}
