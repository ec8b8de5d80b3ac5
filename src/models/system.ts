/**
 * The two sides of a simulated system.
 *
 * - The publish side (`System`), which every system has: it takes publishes from producers,
 *   decides what is accepted, and exposes gauges for the sampler.
 * - The delivery side (`DeliveryPort`), which only push systems have (the work queue, the
 *   broker, the direct call): it hands deliveries to consumer instances and takes back how
 *   each was settled. Pull systems (the log, the managed queue) have no such port: their
 *   consumers fetch, commit and delete through the system's own calls.
 *
 * A system reports every lifecycle step to the ledger and never counts duplicates or losses
 * itself.
 */
import type { MessageId } from './facts.js';

/** A number the sampler reads at every sample: queue depth, unacked count, … */
export interface Gauge {
  metric: string;
  subject: string;
  read(): number;
}

/** The publish side, which every system has. */
export interface System {
  readonly type: string;
  /** Producer `producer` sent message `id`; the system accepts or rejects it. */
  publish(producer: number, id: MessageId): void;
  gauges(): Gauge[];
}

/**
 * One message handed to one consumer instance: attempt 1 for the first delivery, 2+ for
 * redeliveries. A system that remembers more about a delivery extends this class and gets
 * its own type back through its `DeliveryPort<D>`.
 */
export class Delivery {
  acked = false;
  /** A delivery is a batch of one for the consumer core: 0 until it is handled. */
  current = 0;
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
  ) {}

  get length(): number {
    return 1;
  }
}

/**
 * The delivery side of a push system, as one consumer instance sees it. Each instance talks to
 * a port of its own (its group's queue, its subscription), so the port knows who is calling.
 */
export interface DeliveryPort<D extends Delivery> {
  /** The consumer acknowledged a delivery. */
  ack(delivery: D): void;
  /**
   * The consumer's handler failed on a delivery (no side effect): with `requeue` it asks for
   * a redelivery (AMQP nack with requeue), without it rejects the message (dead-letter or drop).
   */
  fail(delivery: D, requeue: boolean): void;
  /**
   * The instance went down. A crashed one gives back the deliveries it had not acknowledged,
   * in delivery order; one that `left` cleanly holds none, but closes its connection on purpose.
   */
  release(unacked: D[], left: boolean): void;
  /** The instance has a free handler (finished, restarted): deliver more. */
  capacityFreed(): void;
}
