/**
 * The push consumer: an instance with `concurrency` parallel handlers that its system pushes
 * deliveries into (the work queue, the broker, the direct call), and that settles each one
 * through the system's delivery port with an ack, or a nack on a handler failure.
 *
 * The guarantees, crash points, poison handling, leave and restart are the core's
 * (consumer-core.ts); this file is the push adapter: each delivery is a batch of one, settled
 * through the port with an ack, or a nack on a handler failure.
 *
 * Same-instant races: a crash scheduled at the same time as a completion runs in scheduling
 * order (the kernel's FIFO tie-break within a lane).
 */
import type { Kernel } from '../sim/kernel.js';
import type { Facts, MessageId } from './facts.js';
import type { Delivery, DeliveryPort } from './system.js';
import { ConsumerCore, type FailureOutcome, type InstanceOptions } from './consumer-core.js';

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
export class ConsumerInstance<D extends Delivery = Delivery> extends ConsumerCore<D> {
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

  /** Handlers free to take a delivery now. */
  get free(): number {
    return this.accepting ? this.options.concurrency - this.held.length : 0;
  }

  /** The system pushes a delivery into a free handler: a batch of one. */
  handle(delivery: D): void {
    if (!delivery.recorded) this.ledger.deliver(this.options.group, delivery.id, delivery.attempt, this.name);
    this.held.push(delivery);
    this.handleBatch(delivery);
  }

  protected idOf(delivery: D): MessageId {
    return delivery.id;
  }

  protected attemptOf(delivery: D): number {
    return delivery.attempt;
  }

  protected settleOnReceipt(delivery: D): boolean {
    this.acknowledge(delivery);
    return true;
  }

  protected settle(delivery: D): boolean {
    this.acknowledge(delivery);
    return true;
  }

  /** A nack: requeue or reject, as the consumer's onError asks. */
  protected failed(delivery: D, _i: number, outcome: FailureOutcome): void {
    if (outcome !== 'lost') this.port.fail(delivery, outcome === 'requeue');
  }

  protected finished(delivery: D): void {
    // Shift down, not swap-remove (a crash gives deliveries back in the order they arrived),
    // and not splice, which allocates the array of what it removed.
    const held = this.held;
    let i = held.indexOf(delivery);
    for (; i < held.length - 1; i++) held[i] = held[i + 1];
    held.pop();
    if (this.leaving && this.held.length === 0) return this.departed();
    this.port.capacityFreed();
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
}
