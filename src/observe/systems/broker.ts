/**
 * The broker's own figures: deliveries and redeliveries per consumer (the prefetch imbalance
 * shows there), unroutable publishes, and the dead-letter records. The model reports each
 * subscription, delivery and unroutable publish as it happens (BrokerFacts); the figures are
 * folded here.
 */
import type { BrokerFacts } from '../../models/broker/broker-facts.js';

/**
 * One dead-lettering of one message, as RabbitMQ's `x-death` header records it: the queue it
 * left, why, and how many times it has now died in that queue for that reason.
 */
export interface DeadLetterRecord {
  tMs: number;
  messageId: number;
  queue: string;
  reason: string;
  count: number;
}

/** A broker's own figures: the prefetch imbalance shows in the per-consumer counts. */
export interface BrokerFigures {
  /** Per consumer instance (`group/index`): the queue it reads, deliveries and redeliveries. */
  consumers: Record<string, { queue: string; deliveries: number; redeliveries: number }>;
  /** Publishes that reached no queue: returned to a mandatory publisher, or dropped silently. */
  unroutable: { returned: number; dropped: number };
  /** Every dead-lettering with its x-death fields, in time order (the first 100). */
  deadLetters: DeadLetterRecord[];
  /** Dead-letterings beyond the first 100, left out of `deadLetters`. */
  deadLettersOmitted: number;
}

/** The broker's part of result.json. */
export interface BrokerPart {
  broker: BrokerFigures;
}

/** Dead-letter records listed in result.broker; the rest are counted. */
const DEAD_LETTERS_SHOWN = 100;

export class BrokerMeter implements BrokerFacts {
  private readonly consumers: string[] = [];
  private readonly queues: string[] = [];
  private deliveries: number[] = [];
  private redeliveries: number[] = [];
  private returned = 0;
  private dropped = 0;

  subscribed(consumer: string, queue: string): number {
    this.consumers.push(consumer);
    this.queues.push(queue);
    this.deliveries.push(0);
    this.redeliveries.push(0);
    return this.consumers.length - 1;
  }

  delivered(subscription: number, attempt: number): void {
    this.deliveries[subscription]++;
    if (attempt > 1) this.redeliveries[subscription]++;
  }

  unroutable(returned: boolean): void {
    if (returned) this.returned++;
    else this.dropped++;
  }

  /** The figures, with the ledger's dead-letter records in time order. */
  figures(deaths: readonly DeadLetterRecord[]): BrokerFigures {
    const consumers: BrokerFigures['consumers'] = {};
    this.consumers.forEach((name, i) => {
      consumers[name] = { queue: this.queues[i], deliveries: this.deliveries[i], redeliveries: this.redeliveries[i] };
    });
    return {
      consumers,
      unroutable: { returned: this.returned, dropped: this.dropped },
      deadLetters: deaths.slice(0, DEAD_LETTERS_SHOWN),
      deadLettersOmitted: Math.max(0, deaths.length - DEAD_LETTERS_SHOWN),
    };
  }
}
