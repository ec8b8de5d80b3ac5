/** What the broker reports beyond the ledger's facts; src/observe/systems/broker.ts folds them. */
export interface BrokerFacts {
  /** A consumer instance subscribed to a queue; returns the subscription's number. */
  subscribed(consumer: string, queue: string): number;
  /** A delivery (attempt 1, 2, …) was pushed to subscription `subscription`. */
  delivered(subscription: number, attempt: number): void;
  /** A publish reached no queue: returned to its mandatory publisher, or dropped. */
  unroutable(returned: boolean): void;
}
