/**
 * The managed-queue service: the queues and topics of one scenario, and the producers' sends.
 *
 * A producer sends each message to one queue (SendMessage) or publishes it to a topic, which
 * delivers a copy to every subscribed queue (SNS-style fan-out; each queue has its own
 * consumers, and each delivery is one SendMessage on that queue). On a FIFO queue the
 * MessageGroupId is the message's key. A message counts as accepted when the producer sends it;
 * a throttled send is retried after a backoff, so the throttling shows in its latency.
 *
 * Producer retries model a send whose response was lost: the same message (same id, so the
 * same MessageDeduplicationId) is sent again `after` later. On FIFO a retry within 5 minutes of
 * the first send is swallowed; later, and on standard queues always, it stores a second copy.
 *
 * Consumers do not ack through this object: they call DeleteMessage on their queue (poller.ts).
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Ledger, MessageId } from '../../observe/ledger.js';
import type { Delivery } from '../consumer.js';
import type { Gauge, System } from '../system.js';
import type { SqsQueue } from './sqs-queue.js';
import { throttleBackoffMs } from './throttle.js';

export interface Route {
  /** The queues a message lands in: one, or a topic's subscriptions. */
  queues: SqsQueue[];
  bytes: number;
  /** Per-message timer (DelaySeconds on the send; standard queues only). */
  delayMs: number | null;
  /** Every n-th message of the producer is sent again `retryAfterMs` later; 0 for none. */
  retryEvery: number;
  retryAfterMs: number;
}

interface Send {
  service: SqsService;
  queue: SqsQueue;
  route: Route;
  id: MessageId;
  copy: boolean;
  attempt: number;
}

export class SqsService implements System {
  readonly type = 'queue';
  /** Sends per producer, to pick every n-th message for a retry. */
  private readonly sent: number[];

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Ledger,
    readonly queues: SqsQueue[],
    private readonly routes: Route[],
  ) {
    this.sent = routes.map(() => 0);
  }

  publish(producer: number, id: MessageId): void {
    const route = this.routes[producer];
    this.ledger.accept(id);
    for (const queue of route.queues) this.send({ service: this, queue, route, id, copy: false, attempt: 0 });
    const n = ++this.sent[producer];
    if (route.retryEvery > 0 && n % route.retryEvery === 0) {
      this.kernel.schedule(route.retryAfterMs, retry, { service: this, route, id });
    }
  }

  /** A producer retry of message `id`: the same message, sent again to each queue. */
  retry(route: Route, id: MessageId): void {
    for (const queue of route.queues) this.send({ service: this, queue, route, id, copy: true, attempt: 0 });
  }

  /** One SendMessage, retried after a backoff while the queue throttles it. */
  send(s: Send): void {
    const { queue, route, id, copy } = s;
    if (!queue.admit('SendMessage')) {
      s.attempt++;
      this.kernel.schedule(throttleBackoffMs(s.attempt - 1), resend, s);
      return;
    }
    const delayMs = route.delayMs ?? queue.options.delayMs;
    const key = this.ledger.keyOfMessage(id);
    const stored = queue.send(id, route.bytes, key, delayMs, copy);
    if (stored && copy) this.ledger.duplicateAppend(id);
  }

  ack(_delivery: Delivery): void {
    throw new Error('SQS consumers delete messages on their queue; they never ack through the service');
  }

  fail(_delivery: Delivery, _requeue: boolean): void {
    throw new Error('SQS has no nack: a failed message is left to its visibility timeout');
  }

  release(): void {
    throw new Error('SQS keeps a crashed consumer\'s messages in flight until their visibility timeout');
  }

  capacityFreed(): void {
    throw new Error('SQS consumers poll; the service never pushes');
  }

  gauges(): Gauge[] {
    return this.queues.flatMap((q) => q.gauges());
  }
}

function retry({ service, route, id }: { service: SqsService; route: Route; id: MessageId }): void {
  service.retry(route, id);
}

function resend(s: Send): void {
  s.service.send(s);
}
