/**
 * Consumer instances: parallel handlers with a service-time distribution, and the delivery
 * guarantee that decides when the ack happens relative to the side effect.
 *
 * - at-most-once: ack on receipt, then process. A crash before processing loses the message.
 * - at-least-once: process, then ack. A crash between the two repeats the side effect.
 * - effectively-once: at-least-once plus an idempotency store keyed by message id, written
 *   atomically with the side effect, so a redelivery is recognised and not applied again.
 *
 * Same-instant races: a crash scheduled at the same time as a completion runs in scheduling
 * order (the kernel's FIFO tie-break). A crash at a lifecycle point fires synchronously at that
 * point, so it always wins against the step that would have followed.
 */
import type { Random } from '../sim/rng.js';
import type { Distribution } from '../sim/distributions.js';
import type { Kernel } from '../sim/kernel.js';
import { pagedUint8 } from '../sim/paged.js';
import type { Ledger, MessageId } from '../observe/ledger.js';
import type { System } from './system.js';
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

/** One message handed to one instance: attempt 1 for the first delivery, 2+ for redeliveries. */
export class Delivery {
  acked = false;
  /** Set when the holding instance crashed: its pending completion must do nothing. */
  cancelled = false;
  /**
   * Set when the system already recorded the `delivered` fact: a broker pushes into a prefetch
   * buffer, so a delivery happens before a handler picks it up.
   */
  recorded = false;

  constructor(
    readonly id: MessageId,
    readonly attempt: number,
    readonly instance: ConsumerInstance,
  ) {}
}

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
}

export type OnError = 'requeue' | 'reject';
export const ON_ERROR: readonly OnError[] = ['requeue', 'reject'];

export class ConsumerInstance {
  alive = true;
  /** Service times are multiplied by this (a slowdown fault sets it). */
  slowdown = 1;
  /** A crash waiting for the next message to reach this point. */
  armed: CrashPoint | null = null;
  readonly name: string;
  /** Called once when the instance next goes down (a fault uses it to schedule the restart). */
  onCrash: (() => void) | null = null;
  /** Shutting down cleanly: no new deliveries, down once the held ones are done. */
  private leaving = false;
  private held: Delivery[] = [];

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Ledger,
    private readonly system: System,
    readonly options: InstanceOptions,
  ) {
    this.name = `${options.groupName}/${options.index}`;
  }

  /** Up and not shutting down: the system may hand it more. */
  get accepting(): boolean {
    return this.alive && !this.leaving;
  }

  /** Handlers free to take a delivery now. */
  get free(): number {
    return this.accepting ? this.options.concurrency - this.held.length : 0;
  }

  handle(delivery: Delivery): void {
    const { group, guarantee, store } = this.options;
    if (!delivery.recorded) this.ledger.deliver(group, delivery.id, delivery.attempt);
    this.held.push(delivery);
    if (guarantee === 'at-most-once') {
      this.acknowledge(delivery);
      if (this.armed === 'after-ack-before-process') return this.crash('after-ack-before-process');
    } else if (store !== null && store.has(delivery.id)) {
      this.ledger.suppress(group, delivery.id);
      this.acknowledge(delivery);
      return this.finish(delivery);
    }
    this.startProcessing(delivery);
  }

  /** Crash now: every held delivery is abandoned; unacked ones go back to the system. */
  crash(detail = 'at time'): void {
    if (!this.alive) return;
    const held = this.held;
    this.held = [];
    for (const d of held) {
      d.cancelled = true;
      this.ledger.abandon(this.options.group, d.id, 'crash-after-ack');
    }
    this.down('crash', detail);
    this.system.release(this, held.filter((d) => !d.acked));
  }

  leave(): void {
    if (!this.alive || this.leaving) return;
    this.leaving = true;
    if (this.held.length === 0) this.departed();
  }

  restart(): void {
    if (this.alive) return;
    this.alive = true;
    this.ledger.mark('restart', this.name);
    this.system.capacityFreed(this.options.group);
  }

  /**
   * The last held delivery of a clean shutdown is done: the connection closes on purpose, so
   * a broker requeues at once what sat in the prefetch buffer, unhandled.
   */
  private departed(): void {
    this.down('leave');
    this.system.release(this, [], true);
  }

  /** Crashed or left: on the timeline, and the fault waiting for it may schedule the restart. */
  private down(kind: 'crash' | 'leave', detail?: string): void {
    this.alive = false;
    this.leaving = false;
    this.armed = null;
    this.ledger.mark(kind, this.name, detail);
    const onCrash = this.onCrash;
    this.onCrash = null;
    onCrash?.();
  }

  private startProcessing(delivery: Delivery): void {
    const serviceMs = this.options.service.sample(this.options.random) * this.slowdown;
    this.ledger.serve(this.options.group, this.armed === 'mid-process' ? serviceMs / 2 : serviceMs);
    if (this.armed === 'mid-process') {
      this.kernel.schedule(serviceMs / 2, crashMidProcess, delivery);
    } else {
      this.kernel.schedule(serviceMs, processingDone, delivery);
    }
  }

  /** The handler finished: apply the side effect, then ack unless a crash comes first. */
  complete(delivery: Delivery): void {
    const { group, guarantee, store, poison } = this.options;
    if (poison !== null && handlerFails(poison, delivery.id, delivery.attempt)) {
      return this.handlerFailed(delivery);
    }
    this.ledger.process(group, delivery.id);
    store?.add(delivery.id);
    if (guarantee !== 'at-most-once') {
      if (this.armed === 'after-process-before-ack') return this.crash('after-process-before-ack');
      this.acknowledge(delivery);
    }
    this.finish(delivery);
  }

  /**
   * The handler threw: no side effect. Under at-most-once the message was already acked, so it
   * is lost; otherwise the system is asked to redeliver it or to reject it (dead-letter or drop).
   */
  private handlerFailed(delivery: Delivery): void {
    const { group, guarantee, onError } = this.options;
    this.ledger.fail(group, delivery.id);
    if (guarantee === 'at-most-once') {
      this.ledger.abandon(group, delivery.id, 'processing-failed');
    } else {
      this.system.fail(delivery, onError === 'requeue');
    }
    this.finish(delivery);
  }

  private acknowledge(delivery: Delivery): void {
    delivery.acked = true;
    this.system.ack(delivery);
  }

  private finish(delivery: Delivery): void {
    // Splice, not swap-remove: a crash gives deliveries back in the order they arrived.
    this.held.splice(this.held.indexOf(delivery), 1);
    if (this.leaving && this.held.length === 0) return this.departed();
    this.system.capacityFreed(this.options.group);
  }
}

function processingDone(delivery: Delivery): void {
  if (!delivery.cancelled) delivery.instance.complete(delivery);
}

function crashMidProcess(delivery: Delivery): void {
  if (!delivery.cancelled) delivery.instance.crash('mid-process');
}
