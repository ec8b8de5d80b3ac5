/**
 * The interface every simulated system implements: the work queue here, and the log, broker,
 * managed queue and direct call that plug in beside it.
 *
 * A system takes publishes from producers, decides what is accepted, hands deliveries to
 * consumer instances and takes their acks. It reports every lifecycle step to the ledger and
 * never counts duplicates or losses itself.
 */
import type { MessageId } from '../observe/ledger.js';
import type { ConsumerInstance, Delivery } from './consumer.js';

/** A number the sampler reads at every sample: queue depth, unacked count, … */
export interface Gauge {
  metric: string;
  subject: string;
  read(): number;
}

export interface System {
  readonly type: string;
  /** Producer `producer` sent message `id`; the system accepts or rejects it. */
  publish(producer: number, id: MessageId): void;
  /** A consumer acknowledged a delivery. */
  ack(delivery: Delivery): void;
  /**
   * The consumer's handler failed on a delivery (no side effect): with `requeue` it asks for
   * a redelivery (AMQP nack with requeue), without it rejects the message (dead-letter or drop).
   */
  fail(delivery: Delivery, requeue: boolean): void;
  /**
   * A crashed instance gives back the deliveries it had not acknowledged, in delivery order;
   * one that `left` cleanly holds none, but closes its connection on purpose.
   */
  release(instance: ConsumerInstance, unacked: Delivery[], left?: boolean): void;
  /** An instance of group `group` has a free handler (finished, restarted): deliver more. */
  capacityFreed(group: number): void;
  gauges(): Gauge[];
}
