/**
 * The work queue: one FIFO queue per consumer group, with competing consumer instances.
 *
 * Every accepted message is copied to each group's queue (fan-out), then pushed to the
 * group's instances round-robin among those with a free handler. An unacked delivery of a
 * crashed instance goes back to the head of the queue, in its original order, and is
 * redelivered with the next attempt number. This is the ideal queue the spine's queueing
 * theory checks run against; the log, broker and managed queue add their real semantics.
 */
import { IntPairDeque } from '../sim/ring.js';
import type { Facts, MessageId } from './facts.js';
import type { ConsumerInstance } from './consumer.js';
import { Delivery, type DeliveryPort, type Gauge, type System } from './system.js';
import { RoundRobin } from './round-robin.js';

export interface WorkQueueOptions {
  /** Ready messages a queue holds before publishes are rejected; Infinity for unbounded. */
  maxLength: number;
}

/** One group's queue, and the delivery port of that group's instances. */
class GroupQueue implements DeliveryPort<Delivery> {
  readonly ready = new IntPairDeque();
  readonly instances = new RoundRobin<ConsumerInstance>();
  unacked = 0;
  private dispatching = false;
  private again = false;
  /**
   * Set when a dispatch found no instance with a free handler; cleared whenever one may have
   * come back (a handler finished, an instance started, restarted or went down). While it is
   * set, a publish need not scan the instances again: with a backlog, that is every publish.
   */
  private saturated = false;

  constructor(
    private readonly ledger: Facts,
    private readonly group: number,
    readonly name: string,
  ) {}

  ack(delivery: Delivery): void {
    this.unacked--;
    this.ledger.ack(this.group, delivery.id);
  }

  /** A requeued failure goes back to the head; a rejected one is dropped (no dead letters here). */
  fail(delivery: Delivery, requeue: boolean): void {
    this.unacked--;
    if (requeue) this.ready.pushFront(delivery.id, delivery.attempt);
    else this.ledger.drop(this.group, delivery.id, 'rejected');
  }

  release(unacked: Delivery[]): void {
    this.unacked -= unacked.length;
    this.saturated = false;
    for (let i = unacked.length - 1; i >= 0; i--) {
      this.ready.pushFront(unacked[i].id, unacked[i].attempt);
    }
    this.dispatch();
  }

  capacityFreed(): void {
    this.saturated = false;
    this.dispatch();
  }

  /** A new instance may have free handlers. */
  attach(instance: ConsumerInstance): void {
    this.instances.add(instance);
    this.saturated = false;
  }

  /** Hands ready messages to instances with free handlers, round-robin. */
  dispatch(): void {
    if (this.dispatching) {
      this.again = true; // an ack inside handle() freed a handler: the outer loop goes on
      return;
    }
    this.dispatching = true;
    do {
      this.again = false;
      while (this.ready.length > 0) {
        const instance = this.saturated ? null : this.instances.nextFree();
        if (instance === null) {
          this.saturated = true;
          break;
        }
        const id = this.ready.peekValue();
        const attempt = this.ready.peekTag() + 1;
        this.ready.shift();
        this.unacked++;
        instance.handle(new Delivery(id, attempt));
      }
    } while (this.again);
    this.dispatching = false;
  }
}

export class WorkQueue implements System {
  readonly type = 'workqueue';
  private readonly queues: GroupQueue[] = [];

  constructor(
    private readonly ledger: Facts,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Adds the queue of ledger group `group`; groups must be added in ledger order. */
  addGroup(group: number, name: string): void {
    if (group !== this.queues.length) throw new Error(`WorkQueue.addGroup: group ${group} out of order`);
    this.queues.push(new GroupQueue(this.ledger, group, name));
  }

  /** The delivery port of group `group`'s instances. */
  port(group: number): DeliveryPort<Delivery> {
    return this.queues[group];
  }

  attach(group: number, instance: ConsumerInstance): void {
    this.queues[group].attach(instance);
  }

  publish(_producer: number, id: MessageId): void {
    for (const queue of this.queues) {
      if (queue.ready.length >= this.options.maxLength) {
        this.ledger.reject(id, 'max-length');
        return;
      }
    }
    this.ledger.accept(id);
    for (let g = 0; g < this.queues.length; g++) {
      this.ledger.enqueue(g, id);
      this.queues[g].ready.pushBack(id, 0);
    }
    for (const queue of this.queues) queue.dispatch();
  }

  /** Messages ready (not yet delivered) in group g's queue. */
  readyOf(g: number): number {
    return this.queues[g].ready.length;
  }

  gauges(): Gauge[] {
    return this.queues.flatMap((queue) => [
      { metric: 'ready', subject: queue.name, read: () => queue.ready.length },
      { metric: 'unacked', subject: queue.name, read: () => queue.unacked },
    ]);
  }
}
