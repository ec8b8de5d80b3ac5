/**
 * The push consumer: an instance with `concurrency` parallel handlers that its system pushes
 * deliveries into (the work queue, the broker, the direct call), and that settles each one
 * through the system's delivery port with an ack, or a nack on a handler failure.
 *
 * The guarantees, crash points, poison handling, leave and restart are the core's
 * (consumer-core.ts); this file adds only the handlers and the port.
 *
 * Same-instant races: a crash scheduled at the same time as a completion runs in scheduling
 * order (the kernel's FIFO tie-break within a lane).
 */
import type { Kernel } from '../sim/kernel.js';
import type { Facts } from './facts.js';
import type { Delivery, DeliveryPort } from './system.js';
import { ConsumerCore, type InstanceOptions } from './consumer-core.js';

export {
  CRASH_POINTS,
  GUARANTEES,
  IdempotencyStore,
  ON_ERROR,
  crashPointOccurs,
  type CrashPoint,
  type Guarantee,
  type InstanceOptions,
  type OnError,
} from './consumer-core.js';

/** A push consumer instance; `D` is the delivery type its system's port hands it. */
export class ConsumerInstance<D extends Delivery = Delivery> extends ConsumerCore {
  private held: D[] = [];
  /** What a crash hands back to the port: the held deliveries not yet acked. */
  private unacked: D[] = [];

  constructor(
    kernel: Kernel,
    ledger: Facts,
    private readonly port: DeliveryPort<D>,
    options: InstanceOptions,
  ) {
    super(kernel, ledger, options);
  }

  // One closure of each per instance, not per delivery: the event's argument is the delivery.
  private readonly processingDone = (delivery: D): void => {
    if (!delivery.cancelled) this.complete(delivery);
  };

  private readonly crashMidProcess = (delivery: D): void => {
    if (!delivery.cancelled) this.crash('mid-process');
  };

  /** Handlers free to take a delivery now. */
  get free(): number {
    return this.accepting ? this.options.concurrency - this.held.length : 0;
  }

  handle(delivery: D): void {
    if (!delivery.recorded) this.ledger.deliver(this.options.group, delivery.id, delivery.attempt, this.name);
    this.held.push(delivery);
    if (this.settlesFirst) {
      this.acknowledge(delivery);
      if (this.crashesAt('after-ack-before-process')) return;
    } else if (this.alreadyApplied(delivery.id)) {
      this.acknowledge(delivery);
      return this.finish(delivery);
    }
    this.startHandler(delivery.id, delivery, this.processingDone, this.crashMidProcess);
  }

  /** The handler finished: apply the side effect, then ack unless a crash comes first. */
  complete(delivery: D): void {
    if (this.handlerFails(delivery.id, delivery.attempt)) {
      const outcome = this.handlerFailed(delivery.id);
      if (outcome !== 'lost') this.port.fail(delivery, outcome === 'requeue');
      return this.finish(delivery);
    }
    this.applyEffect(delivery.id);
    if (!this.settlesFirst) {
      if (this.crashesAt('after-process-before-ack')) return;
      this.acknowledge(delivery);
    }
    this.finish(delivery);
  }

  protected abandonHeld(): void {
    const held = this.held;
    this.held = [];
    for (const d of held) {
      d.cancelled = true;
      this.ledger.abandon(this.options.group, d.id, 'crash-after-ack');
    }
    this.unacked = held.filter((d) => !d.acked);
  }

  protected startLeaving(): void {
    if (this.held.length === 0) this.departed();
  }

  /**
   * A crash gives back what was not acked, in delivery order. A clean shutdown holds nothing
   * by now, but closes its connection on purpose: a broker requeues at once what sat in the
   * prefetch buffer, unhandled.
   */
  protected override afterDown(kind: 'crash' | 'leave'): void {
    const unacked = this.unacked;
    this.unacked = [];
    this.port.release(unacked, kind === 'leave');
  }

  protected resume(): void {
    this.port.capacityFreed();
  }

  private acknowledge(delivery: D): void {
    delivery.acked = true;
    this.port.ack(delivery);
  }

  private finish(delivery: D): void {
    // Splice, not swap-remove: a crash gives deliveries back in the order they arrived.
    this.held.splice(this.held.indexOf(delivery), 1);
    if (this.leaving && this.held.length === 0) return this.departed();
    this.port.capacityFreed();
  }
}
