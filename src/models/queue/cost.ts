/**
 * SQS billing: the API actions, prices, and requests billed per 64 KB chunk of payload.
 *
 * AWS bills every request, empty receives included, and every 64 KB chunk of a request's
 * payload as one more request (a 256 KB send is 4 requests). A batch is billed on its total
 * payload (third-party pricing summaries; docs/semantics.md, SQS). The free tier is not modelled: figures are the
 * marginal cost of the traffic.
 */

export type Action =
  | 'SendMessage'
  | 'ReceiveMessage'
  | 'DeleteMessage'
  | 'DeleteMessageBatch'
  | 'ChangeMessageVisibility'
  | 'ChangeMessageVisibilityBatch';

export const ACTIONS: readonly Action[] = [
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
];

export const CHUNK_BYTES = 64 * 1024;

/** Default prices per million requests (us-east-1, third-party summaries; docs/semantics.md, SQS). */
export const PRICE_STANDARD = 0.4;
export const PRICE_FIFO = 0.5;

/** Requests one call is billed as: one per started 64 KB chunk, at least one. */
export function billedRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / CHUNK_BYTES));
}

/**
 * What a queue reports about its API calls and message movements, beyond the ledger's facts;
 * src/observe/systems/queue.ts folds them into requests, billed requests and dollars.
 */
export interface QueueFacts {
  /** A call of `action` was made with `payloadBytes` of payload (a throttled call is not one). */
  call(action: Action, payloadBytes: number): void;
  /** A receive returned no message. */
  emptyReceive(): void;
  /** A call of `action` was refused with ThrottlingException (FIFO limits). */
  throttled(action: Action): void;
  /** A short poll was refused with OverLimit (in-flight limit reached). */
  overLimit(): void;
  /** A message moved to the dead-letter queue (maxReceiveCount). */
  redriven(): void;
  /** FIFO deduplication swallowed a producer retry. */
  deduplicated(): void;
  /** Retention expiry deleted a message. */
  expired(): void;
}
