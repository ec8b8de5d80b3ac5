/**
 * Dead-lettering (RabbitMQ's at-most-once strategy, the default): a message leaving a queue
 * for `reason` is republished to the queue's dead-letter exchange with the dead-letter routing
 * key, or with its own routing key when none is set.
 *
 * Ledger facts, for the source queue's group:
 * - no DLX configured: a drop (a loss) with the reason as its cause (`expired`, `maxlen`,
 *   `rejected`, `delivery_limit`);
 * - a DLX that does not exist: a drop with cause `dlx-missing` (RabbitMQ drops it silently);
 * - a DLX that routes it to no queue: a drop with cause `dlx-unroutable`;
 * - otherwise `deadLettered` with the reason, and an `enqueue` in each target queue's group;
 *   plus the message's death record, as RabbitMQ's x-death header carries it: the source queue,
 *   the reason and how many times the message has died there for that reason.
 *
 * The per-message expiration is removed from the dead-lettered copy (RabbitMQ does this so it
 * does not expire again at once); the target queue's own TTL applies. A copy that would come
 * back to the queue it left is dropped, unless the reason is `rejected` (RabbitMQ's cycle
 * rule; only direct cycles, one hop, are detected here).
 */
import type { Facts, MessageId } from '../facts.js';
import type { BrokerQueue, DeadLetterReason } from './queue.js';

export interface DeadLetterTarget {
  /** Null: no DLX configured. */
  exchange: string | null;
  /** Null: keep the message's own routing key. */
  routingKey: string | null;
}

export interface DeadLetterRouter {
  exchangeExists(name: string): boolean;
  /** Queues the message reaches through `exchange` with `routingKey` (null: its own key). */
  routeDeadLetter(id: MessageId, exchange: string, routingKey: string | null): readonly number[];
  queue(index: number): BrokerQueue;
  /** Counts one more death of `id` in queue `queue` for `reason` (x-death's count); returns it. */
  countDeath(id: MessageId, queue: number, reason: DeadLetterReason): number;
}

export function deadLetter(
  ledger: Facts,
  router: DeadLetterRouter,
  source: BrokerQueue,
  target: DeadLetterTarget,
  id: MessageId,
  reason: DeadLetterReason,
  /** False for a publish the queue refused (reject-publish-dlx): the producer already knows. */
  enqueued: boolean,
): void {
  const g = source.group;
  // A refused publish that goes nowhere is just the rejection the producer saw, not a loss.
  const drop = (cause: string) => {
    if (enqueued && source.firstResolution(id)) ledger.drop(g, id, cause);
  };
  if (target.exchange === null) return drop(reason);
  if (!router.exchangeExists(target.exchange)) return drop('dlx-missing');
  const queues = router
    .routeDeadLetter(id, target.exchange, target.routingKey)
    .filter((q) => q !== source.index || reason === 'rejected');
  if (queues.length === 0) return drop('dlx-unroutable');
  // Counted per copy; the ledger resolves the message in the group only once, and a later
  // copy's ack must not resolve it again.
  if (enqueued) source.firstResolution(id);
  ledger.deadLetter(g, id, reason);
  ledger.deathRecord(id, source.options.name, reason, router.countDeath(id, source.index, reason));
  for (const q of queues) {
    const queue = router.queue(q);
    // At-most-once: a target that refuses it (reject-publish) just does not get it.
    if (queue.offer(id, Infinity)) queue.dispatch();
  }
}
