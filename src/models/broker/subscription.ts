/**
 * A subscription (`basic.consume` on a channel): one consumer instance reading one queue.
 *
 * The broker pushes deliveries into the client's prefetch buffer as long as the consumer has
 * fewer than `prefetch` unacknowledged ones (0 = unlimited); the instance's handlers take them
 * from the buffer in delivery order. With `autoAck` the broker forgets a message the moment it
 * is written to the socket: prefetch does not apply, and whatever sits in the buffer when the
 * consumer dies is lost.
 */
import type { ConsumerInstance } from '../consumer.js';
import type { Link } from '../network.js';
import { Delivery } from '../system.js';
import { Fifo } from '../../sim/ring.js';
import type { BrokerFacts } from './broker-facts.js';

/** How a consumer's connection ends when it crashes. */
export type ConnectionLoss = 'clean' | 'silent';
export const CONNECTION_LOSS: readonly ConnectionLoss[] = ['clean', 'silent'];

/** A delivery with what the broker remembers about it while it is unacked. */
export class BrokerDelivery extends Delivery {
  constructor(
    id: number,
    attempt: number,
    readonly subscription: Subscription,
    /** Place in the queue's enqueue order (a classic queue requeues to it). */
    readonly seq: number,
    /** Expiry deadline, kept on requeue; Infinity for none. */
    readonly expiresAtMs: number,
    readonly deliveredAtMs: number,
  ) {
    super(id, attempt);
    this.recorded = true;
  }

  // The subscription's unacked list runs through its deliveries (no Set, no hashing).
  prev: BrokerDelivery | null = null;
  next: BrokerDelivery | null = null;
  unacked = false;
  /** The subscription's connection it was sent on; a newer one drops it on arrival. */
  connection = 0;
}

/** Unacked deliveries in delivery order: an intrusive doubly linked list. */
export class UnackedList {
  first: BrokerDelivery | null = null;
  last: BrokerDelivery | null = null;
  size = 0;

  add(d: BrokerDelivery): void {
    d.unacked = true;
    d.prev = this.last;
    d.next = null;
    if (this.last === null) this.first = d;
    else this.last.next = d;
    this.last = d;
    this.size++;
  }

  /** Removes `d`; false if it was not in the list (already acked, or its channel closed). */
  delete(d: BrokerDelivery): boolean {
    if (!d.unacked) return false;
    d.unacked = false;
    if (d.prev === null) this.first = d.next;
    else d.prev.next = d.next;
    if (d.next === null) this.last = d.prev;
    else d.next.prev = d.prev;
    d.prev = d.next = null;
    this.size--;
    return true;
  }

  /**
   * Removes and returns, in delivery order, the deliveries sent on connections older than
   * `connection`: what a closed connection held, not what a restarted instance got since.
   */
  takeSentBefore(connection: number): BrokerDelivery[] {
    const out: BrokerDelivery[] = [];
    for (let d = this.first; d !== null; ) {
      const next: BrokerDelivery | null = d.next;
      if (d.connection < connection) {
        this.delete(d);
        out.push(d);
      }
      d = next;
    }
    return out;
  }
}

export interface SubscriptionOptions {
  /** Unacked deliveries allowed in flight; 0 for unlimited. */
  prefetch: number;
  autoAck: boolean;
  connectionLoss: ConnectionLoss;
}

/** Broker → client over a network: the link, and what becomes of a delivery sent to a dead connection. */
export interface ToClient {
  link: Link;
  lost(delivery: BrokerDelivery): void;
}

export class Subscription {
  /** Unacked deliveries in delivery order. */
  readonly unacked = new UnackedList();
  /** Set while the broker itself closes the channel (consumer timeout): a clean close. */
  closingByBroker = false;
  /** Bumped when the instance goes down: deliveries still on the wire to it are stale. */
  connection = 0;
  /** Its place among its queue's subscriptions, for the round-robin cursor. */
  position = 0;
  /** The client's prefetch buffer: a ring, so taking from it neither shifts nor reallocates. */
  private readonly buffer = new Fifo<BrokerDelivery>();
  private pumping = false;
  private again = false;

  constructor(
    readonly instance: ConsumerInstance<BrokerDelivery>,
    readonly queue: number,
    readonly options: SubscriptionOptions,
    /** Its number among the broker's subscriptions, as its deliveries are reported. */
    private readonly number: number,
    private readonly facts: BrokerFacts,
    /** Null without a network: a push lands in the buffer at once. */
    private readonly toClient: ToClient | null = null,
  ) {
    this.limit = options.autoAck || options.prefetch === 0 ? Infinity : options.prefetch;
  }

  /** Unacked deliveries allowed: prefetch, or Infinity (0 = unlimited; auto-ack ignores it). */
  private readonly limit: number;

  /** Whether the broker may push one more delivery now. */
  get hasCapacity(): boolean {
    return this.unacked.size < this.limit && this.instance.accepting;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  push(delivery: BrokerDelivery): void {
    this.facts.delivered(this.number, delivery.attempt);
    if (!this.options.autoAck) this.unacked.add(delivery);
    if (this.toClient === null) return this.receive(delivery);
    delivery.connection = this.connection;
    this.toClient.link.send(arrive, delivery);
  }

  /** Over a network: the delivery reached the client, unless its connection closed meanwhile. */
  arrived(delivery: BrokerDelivery): void {
    if (delivery.connection !== this.connection) this.toClient!.lost(delivery);
    else this.receive(delivery);
  }

  /** Into the client's prefetch buffer. */
  private receive(delivery: BrokerDelivery): void {
    this.buffer.push(delivery);
    // A busy instance takes it when a handler frees (a running pump re-checks on its own).
    if (this.instance.free > 0) this.pump();
  }

  /** Hands buffered deliveries to free handlers, in delivery order. */
  pump(): void {
    if (this.pumping) {
      this.again = true; // a handler finished inside handle(): the outer loop goes on
      return;
    }
    this.pumping = true;
    do {
      this.again = false;
      while (this.buffer.length > 0 && this.instance.free > 0) {
        this.instance.handle(this.buffer.shift());
      }
    } while (this.again);
    this.pumping = false;
  }

  /** Empties the buffer (the connection is gone) and returns what it held. */
  takeBuffer(): BrokerDelivery[] {
    const held: BrokerDelivery[] = [];
    while (this.buffer.length > 0) held.push(this.buffer.shift());
    return held;
  }
}

function arrive(delivery: BrokerDelivery): void {
  delivery.subscription.arrived(delivery);
}
