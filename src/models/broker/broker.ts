/**
 * The broker (RabbitMQ-like, AMQP 0-9-1): exchanges route each publish to queues, queues push
 * deliveries to subscriptions, consumers ack, nack or reject, and messages leave through
 * dead-letter exchanges.
 *
 * Publishing (with publisher confirms in mind): a publish is accepted when every queue it
 * routes to took it, and rejected (`reject-publish`) when one refused it; the other queues
 * keep their copies, as in RabbitMQ. A message that routes nowhere (after the alternate
 * exchange, if any) is rejected with cause `unroutable`: no group will ever see it. Whether
 * the publisher learned of it (`mandatory` → basic.return) is in the broker figures.
 *
 * Connection loss: a crashed consumer's unacked deliveries are requeued with `redelivered`
 * set, at once on a clean close, or after the heartbeat timeout when the connection died
 * silently. A consumer timeout closes the channel (requeueing what it held) and the consumer
 * subscribes again on a new channel.
 *
 * Routing is a pure function of (producer, message key), so it is computed once per pair and
 * cached: the hot path does no string work.
 */
import type { Kernel } from '../../sim/kernel.js';
import { pagedUint8 } from '../../sim/paged.js';
import { Link, type Network } from '../network.js';
import { NO_KEY, type Facts, type MessageId } from '../facts.js';
import type { ConsumerInstance } from '../consumer.js';
import type { DeliveryPort, Gauge, System } from '../system.js';
import { Exchange, type ExchangeType, type Headers } from './exchange.js';
import { BrokerQueue, type DeadLetterReason, type QueueOptions } from './queue.js';
import { deadLetter, type DeadLetterTarget } from './dead-lettering.js';
import { Subscription, type BrokerDelivery, type SubscriptionOptions } from './subscription.js';
import type { BrokerFacts } from './broker-facts.js';


export interface PublisherOptions {
  /** '' for the default exchange. */
  exchange: string;
  /** Routing key; `{key}` is replaced by the message key ('' without one). */
  routingKey: string;
  /** Header values, with the same `{key}` replacement. */
  headers: Headers;
  /** Per-message TTL (the `expiration` property); Infinity for none. */
  expirationMs: number;
  mandatory: boolean;
  messageSizeBytes: number;
}

export interface BrokerQueueOptions extends QueueOptions {
  deadLetter: DeadLetterTarget;
}

export interface BrokerOptions {
  heartbeatMs: number;
  /** The run's end: consumer-timeout checks stop there. */
  endMs: number;
  /** Between the broker and its consumers; null for none (every call is instant). */
  network: Network | null;
}

/** How often RabbitMQ checks delivery-acknowledgement timeouts. */
export const CONSUMER_TIMEOUT_CHECK_MS = 60_000;

export class Broker implements System {
  readonly type = 'broker';
  readonly queues: BrokerQueue[] = [];
  private readonly exchanges = new Map<string, Exchange>();
  private readonly queueByName = new Map<string, number>();
  private readonly deadLetterTargets: DeadLetterTarget[] = [];
  private readonly publishers: PublisherOptions[] = [];
  /** Per publisher, per (key + 1): the destination queues. */
  private readonly routes: (readonly number[] | undefined)[][] = [];
  private readonly deadLetterRoutes = new Map<string, readonly number[]>();
  /** Every subscription, in the order they were made. */
  private readonly subscriptions: Subscription[] = [];
  /** Publisher of each message (1 byte per message): dead-lettering needs its routing key. */
  private readonly publisherOf = pagedUint8();
  /** Whether anything needs a message's publisher later (byte limits, dead-lettering). */
  private tracksPublishers = false;
  /** Per publisher: whether its routing key or headers depend on the message key. */
  private readonly keyed: boolean[] = [];
  private readonly router = {
    exchangeExists: (name: string) => name === '' || this.exchanges.has(name),
    routeDeadLetter: (id: MessageId, exchange: string, key: string | null) =>
      this.routeDeadLetter(id, exchange, key),
    queue: (index: number) => this.queues[index],
    countDeath: (id: MessageId, queue: number, reason: DeadLetterReason) => {
      // x-death keeps one entry per (queue, reason) on the message, counting its deaths there.
      const key = `${id}/${queue}/${reason}`;
      const count = (this.deathCounts.get(key) ?? 0) + 1;
      this.deathCounts.set(key, count);
      return count;
    },
  };
  /** Deaths per message, source queue and reason (x-death counts), only for dead letters. */
  private readonly deathCounts = new Map<string, number>();

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly options: BrokerOptions,
    private readonly facts: BrokerFacts,
  ) {}

  // ---- topology ----------------------------------------------------------------------------

  addExchange(name: string, type: ExchangeType, alternateExchange: string | null): void {
    this.exchanges.set(name, new Exchange(name, type, alternateExchange));
  }

  addQueue(group: number, options: BrokerQueueOptions): number {
    const index = this.queues.length;
    const host = {
      sizeOf: (id: MessageId) => this.publishers[this.publisherOf.get(id)].messageSizeBytes,
      deadLetter: (queue: BrokerQueue, id: MessageId, why: DeadLetterReason, enqueued = true) => {
        const target = this.deadLetterTargets[queue.index];
        deadLetter(this.ledger, this.router, queue, target, id, why, enqueued);
      },
    };
    this.queues.push(new BrokerQueue(index, group, options, this.kernel, this.ledger, host));
    this.deadLetterTargets.push(options.deadLetter);
    if (options.maxLengthBytes < Infinity || options.deadLetter.exchange !== null) {
      this.tracksPublishers = true;
    }
    this.queueByName.set(options.name, index);
    return index;
  }

  bind(exchange: string, queue: number, key: string, args: Headers): void {
    this.exchanges.get(exchange)?.bind({ queue, key, arguments: args });
  }

  addPublisher(options: PublisherOptions): void {
    this.publishers.push(options);
    this.routes.push([]);
    const templates = [options.routingKey, ...Object.values(options.headers)];
    this.keyed.push(templates.some((t) => t.includes('{key}')));
  }

  /**
   * Subscribes a new consumer instance to `queue`. The instance talks to the broker through a
   * port of its own, so that a freed handler pumps exactly its own prefetch buffer.
   */
  subscribe(
    queue: number,
    options: SubscriptionOptions,
    createInstance: (port: DeliveryPort<BrokerDelivery>) => ConsumerInstance<BrokerDelivery>,
  ): Subscription {
    const network = this.options.network;
    const port = new SubscriptionPort(this, network === null ? null : new Link(this.kernel, network));
    const instance = createInstance(port);
    const number = this.facts.subscribed(instance.name, this.queues[queue].options.name);
    const toClient = network === null ? null : { link: new Link(this.kernel, network), lost: this.lostOnTheWire };
    const subscription = new Subscription(instance, queue, options, number, this.facts, toClient);
    port.subscription = subscription;
    subscription.position = this.queues[queue].subscriptions.push(subscription) - 1;
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** A handler of `subscription`'s instance is free (finished, restarted): feed it. */
  handlerFreed(subscription: Subscription): void {
    subscription.pump();
    this.refill(subscription);
  }

  /** Acks dispatch on their own; a nack or a restart leaves capacity to fill here. */
  refill(subscription: Subscription): void {
    const queue = this.queues[subscription.queue];
    if (queue.ready.length > 0 && subscription.hasCapacity) {
      queue.capacityChanged();
      queue.dispatch();
    }
  }

  /** Starts the once-a-minute consumer-timeout check. */
  start(): void {
    const watched = (q: BrokerQueue) =>
      q.subscriptions.length > 0 && q.options.consumerTimeoutMs < Infinity;
    if (this.queues.some(watched)) {
      if (CONSUMER_TIMEOUT_CHECK_MS <= this.options.endMs) {
        this.kernel.at(CONSUMER_TIMEOUT_CHECK_MS, checkTimeouts, this);
      }
    }
  }

  // ---- publish side ------------------------------------------------------------------------

  publish(producer: number, id: MessageId): void {
    if (this.tracksPublishers) this.publisherOf.set(id, producer);
    const publisher = this.publishers[producer];
    // A route that does not depend on the key is cached once, under NO_KEY.
    const key = this.keyed[producer] ? this.ledger.keyOfMessage(id) : NO_KEY;
    const targets = this.routes[producer][key + 1] ?? this.cacheRoute(producer, key);
    if (targets.length === 0) {
      this.facts.unroutable(publisher.mandatory);
      this.ledger.reject(id, 'unroutable');
      return;
    }
    let refused = false;
    for (let i = 0; i < targets.length; i++) {
      if (!this.queues[targets[i]].offer(id, publisher.expirationMs)) refused = true;
    }
    // Publisher confirms: nacked if any queue refused it, acked once every queue has it.
    if (refused) this.ledger.reject(id, 'reject-publish');
    else this.ledger.accept(id);
    for (let i = 0; i < targets.length; i++) this.queues[targets[i]].dispatch();
  }

  // ---- delivery side, through each subscription's port -------------------------------------

  ack(d: BrokerDelivery): void {
    const subscription = d.subscription;
    // Auto-ack deliveries were forgotten when sent; a closed channel's deliveries are gone.
    if (subscription.options.autoAck || !subscription.unacked.delete(d)) return;
    // The freed prefetch slot is refilled at once (the handler may still be busy: the next
    // delivery waits in the buffer).
    this.queues[subscription.queue].acked(d);
  }

  fail(d: BrokerDelivery, requeue: boolean): void {
    const subscription = d.subscription;
    if (subscription.options.autoAck || !subscription.unacked.delete(d)) return;
    const queue = this.queues[subscription.queue];
    if (requeue) queue.requeue([d]);
    else queue.rejected(d);
  }

  /**
   * `subscription`'s instance went down, on the client's side: what sat in its prefetch buffer
   * is gone with it, and what is still on the wire to it will find the connection closed.
   */
  clientDown(subscription: Subscription, left: boolean): void {
    subscription.connection++;
    const buffered = subscription.takeBuffer();
    if (subscription.options.autoAck) {
      // Written to the socket and already acked: the client never handled them.
      for (const d of buffered) this.abandonAutoAcked(d, left);
    }
  }

  /** An auto-acked delivery that reached a closed connection (on a network). */
  private readonly lostOnTheWire = (d: BrokerDelivery): void => {
    if (d.subscription.options.autoAck) this.abandonAutoAcked(d, d.subscription.instance.state === 'left');
  };

  private abandonAutoAcked(d: BrokerDelivery, left: boolean): void {
    this.ledger.abandon(this.queues[d.subscription.queue].group, d.id, left ? 'left-after-ack' : 'crash-after-ack');
  }

  /** `subscription`'s channel closes at the broker, cleanly or silently: it requeues the unacked. */
  release(subscription: Subscription, left: boolean): void {
    const instance = subscription.instance;
    const queue = this.queues[subscription.queue];
    if (subscription.options.autoAck) return;
    // Over a network the close can land after a quick restart: the new connection's deliveries stay.
    const unacked = subscription.unacked.takeSentBefore(subscription.connection);
    if (!left && subscription.options.connectionLoss === 'silent' && !subscription.closingByBroker) {
      // Nobody closed the connection: the broker notices after the heartbeat timeout.
      this.kernel.schedule(this.options.heartbeatMs, connectionDeclaredDead, {
        broker: this,
        queue,
        instance,
        unacked,
      });
      return;
    }
    queue.requeue(unacked);
    queue.dispatch();
  }

  gauges(): Gauge[] {
    return this.queues.flatMap((queue) => {
      const name = queue.options.name;
      const group = this.ledger.countsOf(queue.group);
      const reasons: DeadLetterReason[] = ['rejected', 'expired', 'maxlen', 'delivery_limit'];
      return [
        { metric: 'ready', subject: name, read: () => queue.ready.length },
        { metric: 'unacked', subject: name, read: () => queue.unacked },
        { metric: 'redeliveries', subject: name, read: () => group.redeliveries },
        ...reasons.map((reason) => ({
          metric: 'deadLettered',
          subject: `${name} ${reason}`,
          read: () => group.deadLetters.get(reason) ?? 0,
        })),
      ];
    });
  }

  /** Closes channels whose oldest unacked delivery is older than the queue's timeout. */
  checkTimeouts(): void {
    const now = this.kernel.now;
    for (const queue of this.queues) {
      const timeoutMs = queue.options.consumerTimeoutMs;
      for (const s of queue.subscriptions) {
        const oldest = s.unacked.first;
        if (oldest === null || now - oldest.deliveredAtMs <= timeoutMs) continue;
        this.ledger.mark('consumer-timeout', s.instance.name, queue.options.name);
        s.closingByBroker = true;
        s.instance.crash('consumer-timeout');
        s.closingByBroker = false;
        s.instance.restart();
      }
    }
    const next = now + CONSUMER_TIMEOUT_CHECK_MS;
    if (next <= this.options.endMs) this.kernel.at(next, checkTimeouts, this);
  }

  /** The heartbeat timeout passed without a word from a silently dead connection. */
  connectionDeclaredDead(
    queue: BrokerQueue,
    instance: ConsumerInstance<BrokerDelivery>,
    unacked: BrokerDelivery[],
  ): void {
    this.ledger.mark('connection-lost', instance.name, `${unacked.length} unacked requeued`);
    queue.requeue(unacked);
    queue.dispatch();
  }

  // ---- routing -----------------------------------------------------------------------------

  private cacheRoute(producer: number, key: number): readonly number[] {
    const publisher = this.publishers[producer];
    const keyName = this.ledger.keyName(key) ?? '';
    const targets = this.resolve(
      publisher.exchange,
      expand(publisher.routingKey, keyName),
      expandHeaders(publisher.headers, keyName),
    );
    this.routes[producer][key + 1] = targets;
    return targets;
  }

  /** Routes through `exchange`, then its alternate exchanges while nothing matched. */
  private resolve(exchange: string, routingKey: string, headers: Headers): readonly number[] {
    const seen = new Set<string>();
    let name: string | null = exchange;
    while (name !== null && !seen.has(name)) {
      seen.add(name);
      if (name === '') {
        const q = this.queueByName.get(routingKey);
        return q === undefined ? [] : [q];
      }
      const ex = this.exchanges.get(name);
      if (ex === undefined) return [];
      const targets = ex.route(routingKey, headers);
      if (targets.length > 0) return targets;
      name = ex.alternateExchange;
    }
    return [];
  }

  private routeDeadLetter(
    id: MessageId,
    exchange: string,
    routingKey: string | null,
  ): readonly number[] {
    const producer = this.publisherOf.get(id);
    const key = this.ledger.keyOfMessage(id);
    const cacheKey = `${exchange}\u0000${routingKey ?? '\u0001'}\u0000${producer}\u0000${key}`;
    let targets = this.deadLetterRoutes.get(cacheKey);
    if (targets === undefined) {
      const publisher = this.publishers[producer];
      const keyName = key === NO_KEY ? '' : (this.ledger.keyName(key) ?? '');
      const rk = routingKey ?? expand(publisher.routingKey, keyName);
      targets = this.resolve(exchange, rk, expandHeaders(publisher.headers, keyName));
      this.deadLetterRoutes.set(cacheKey, targets);
    }
    return targets;
  }
}

/** What one consumer instance sees as its system: the broker, knowing who is calling. */
/**
 * One consumer's side of the channel. Over a network (`toBroker` set) acks, nacks and the
 * connection's close reach the broker half a round trip later, in the order they were sent.
 */
class SubscriptionPort implements DeliveryPort<BrokerDelivery> {
  subscription: Subscription | null = null;

  constructor(
    private readonly broker: Broker,
    private readonly toBroker: Link | null,
  ) {}

  ack(delivery: BrokerDelivery): void {
    if (this.toBroker === null) this.broker.ack(delivery);
    else this.toBroker.send(this.ackArrives, delivery);
  }

  fail(delivery: BrokerDelivery, requeue: boolean): void {
    if (this.toBroker === null) this.broker.fail(delivery, requeue);
    else this.toBroker.send(requeue ? this.requeueArrives : this.rejectArrives, delivery);
  }

  /** The broker requeues what the subscription holds: the instance's own list is not needed. */
  release(_unacked: BrokerDelivery[], left: boolean): void {
    const subscription = this.subscription!;
    this.broker.clientDown(subscription, left);
    // A channel the broker closed itself (consumer timeout) is closed there at once.
    if (this.toBroker === null || subscription.closingByBroker) this.broker.release(subscription, left);
    else this.toBroker.send(left ? this.leaveArrives : this.closeArrives, subscription);
  }

  private readonly ackArrives = (d: BrokerDelivery): void => this.broker.ack(d);
  private readonly requeueArrives = (d: BrokerDelivery): void => this.nackArrives(d, true);
  private readonly rejectArrives = (d: BrokerDelivery): void => this.nackArrives(d, false);
  private readonly closeArrives = (s: Subscription): void => this.broker.release(s, false);
  private readonly leaveArrives = (s: Subscription): void => this.broker.release(s, true);

  /** A nack frees a prefetch slot that only the broker can fill, now that it knows. */
  private nackArrives(d: BrokerDelivery, requeue: boolean): void {
    this.broker.fail(d, requeue);
    this.broker.refill(d.subscription);
  }

  capacityFreed(): void {
    this.broker.handlerFreed(this.subscription!);
  }
}

function expand(template: string, keyName: string): string {
  return template.includes('{key}') ? template.split('{key}').join(keyName) : template;
}

function expandHeaders(headers: Headers, keyName: string): Headers {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = expand(value, keyName);
  return out;
}

function checkTimeouts(broker: Broker): void {
  broker.checkTimeouts();
}

interface DeadConnection {
  broker: Broker;
  queue: BrokerQueue;
  instance: ConsumerInstance<BrokerDelivery>;
  unacked: BrokerDelivery[];
}

function connectionDeclaredDead({ broker, queue, instance, unacked }: DeadConnection): void {
  broker.connectionDeclaredDead(queue, instance, unacked);
}
