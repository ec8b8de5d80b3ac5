/**
 * The managed-queue service: the queues and topics of one scenario, and the producers' sends.
 *
 * A producer sends each message to one queue (SendMessage) or publishes it to a topic, which
 * delivers a copy to every subscribed queue (SNS-style fan-out; each queue has its own
 * consumers, and each delivery is one SendMessage on that queue). On a FIFO queue the
 * MessageGroupId is the message's key.
 *
 * A SendMessage to a queue follows the AWS SDK's standard retry mode: a throttled call is
 * retried after a jittered backoff (sdk-retry.ts) up to 3 attempts in all; the message counts
 * as accepted when an attempt is admitted, and as rejected (cause `throttled`) when the third
 * fails. A topic accepts a publish at once and keeps retrying its deliveries to the queues, as
 * SNS does. A message larger than a target queue's MaximumMessageSize is refused (rejected,
 * cause `message-too-large`); no retry helps it.
 *
 * Producer retries model a send whose response was lost: the same message (same id, so the
 * same MessageDeduplicationId) is sent again `after` later. On FIFO a retry within 5 minutes of
 * the first send is swallowed; later, and on standard queues always, it stores a second copy.
 *
 * Consumers do not ack through this object: they call DeleteMessage on their queue (poller.ts).
 */
import type { Kernel } from '../../sim/kernel.js';
import type { Facts, MessageId } from '../facts.js';
import type { Gauge, System } from '../system.js';
import type { SqsQueue } from './sqs-queue.js';
import type { Random } from '../../sim/rng.js';
import { throttleBackoffMs } from './throttle.js';
import { SDK_MAX_ATTEMPTS, sdkBackoffMs } from './sdk-retry.js';

export interface Route {
  /** The queues a message lands in: one, or a topic's subscriptions. */
  queues: SqsQueue[];
  /** True when the producer publishes to a topic (SNS retries its deliveries itself). */
  viaTopic: boolean;
  bytes: number;
  /** The SDK's jitter draws for this producer's retries. */
  jitter: Random;
  /** Per-message timer (DelaySeconds on the send; standard queues only). */
  delayMs: number | null;
  /** Every n-th message of the producer is sent again `retryAfterMs` later; 0 for none. */
  retryEvery: number;
  retryAfterMs: number;
}

/** A throttled SendMessage waiting for its next attempt. */
interface Send {
  service: SqsService;
  queue: SqsQueue;
  route: Route;
  id: MessageId;
  copy: boolean;
  /** The attempt it makes next (1 is the first). */
  attempt: number;
}

/** The cause of a rejection for a message larger than a target queue's MaximumMessageSize. */
export const MESSAGE_TOO_LARGE = 'message-too-large';

export class SqsService implements System {
  readonly type = 'queue';
  /** Sends per producer, to pick every n-th message for a retry. */
  private readonly sent: number[];
  /** Per producer: its messages are larger than a target queue's MaximumMessageSize. */
  private readonly tooLarge: boolean[];

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    readonly queues: SqsQueue[],
    private readonly routes: Route[],
  ) {
    this.sent = routes.map(() => 0);
    this.tooLarge = routes.map((r) => r.queues.some((q) => r.bytes > q.options.maximumMessageSizeBytes));
  }

  publish(producer: number, id: MessageId): void {
    const route = this.routes[producer];
    if (this.tooLarge[producer]) return this.ledger.reject(id, MESSAGE_TOO_LARGE);
    if (route.viaTopic) this.ledger.accept(id);
    for (const queue of route.queues) this.send(queue, route, id, false, 1);
    const n = ++this.sent[producer];
    if (route.retryEvery > 0 && n % route.retryEvery === 0) {
      this.kernel.schedule(route.retryAfterMs, retry, { service: this, route, id });
    }
  }

  /** A producer retry of message `id`: the same message, sent again to each queue. */
  retry(route: Route, id: MessageId): void {
    for (const queue of route.queues) this.send(queue, route, id, true, 1);
  }

  /**
   * Attempt `attempt` of one SendMessage: retried as the SDK does (or, from a topic, as SNS
   * does) while throttled. Only a throttled attempt allocates: the retry it schedules.
   */
  send(queue: SqsQueue, route: Route, id: MessageId, copy: boolean, attempt: number): void {
    if (!queue.admit('SendMessage')) {
      const again: Send = { service: this, queue, route, id, copy, attempt: attempt + 1 };
      if (route.viaTopic) return this.kernel.schedule(throttleBackoffMs(attempt - 1), resend, again);
      if (attempt < SDK_MAX_ATTEMPTS) return this.kernel.schedule(sdkBackoffMs(attempt, route.jitter), resend, again);
      // A retry's copy that never gets through stores nothing; the first send is what counts.
      if (!copy) this.ledger.reject(id, 'throttled');
      return;
    }
    if (!route.viaTopic && !copy) this.ledger.accept(id);
    const delayMs = route.delayMs ?? queue.options.delayMs;
    const key = this.ledger.keyOfMessage(id);
    const stored = queue.send(id, route.bytes, key, delayMs, copy);
    if (stored && copy) this.ledger.duplicateAppend(id);
  }

  gauges(): Gauge[] {
    return this.queues.flatMap((q) => q.gauges());
  }
}

function retry({ service, route, id }: { service: SqsService; route: Route; id: MessageId }): void {
  service.retry(route, id);
}

function resend({ service, queue, route, id, copy, attempt }: Send): void {
  service.send(queue, route, id, copy, attempt);
}
