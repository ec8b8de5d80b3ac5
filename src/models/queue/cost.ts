/**
 * The SQS cost meter: requests by action, billed per 64 KB chunk of payload, and dollars.
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

/** Each action's index in ACTIONS: a property read per call, not a search. */
const ACTION_INDEX: Readonly<Record<Action, number>> = Object.fromEntries(
  ACTIONS.map((a, i) => [a, i]),
) as Record<Action, number>;

export const CHUNK_BYTES = 64 * 1024;

/** Default prices per million requests (us-east-1, third-party summaries; docs/semantics.md, SQS). */
export const PRICE_STANDARD = 0.4;
export const PRICE_FIFO = 0.5;

/** Requests one call is billed as: one per started 64 KB chunk, at least one. */
export function billedRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / CHUNK_BYTES));
}

export class CostMeter {
  /** Calls by action index (ACTIONS), as the API counts them (a throttled call is not a request). */
  private readonly counts = new Float64Array(ACTIONS.length);
  /** Billed requests: calls weighted by 64 KB chunks. */
  billed = 0;
  emptyReceives = 0;
  /** Calls refused with ThrottlingException (FIFO limits), by action. */
  readonly throttled = new Map<Action, number>();
  /** Short-poll receives refused with OverLimit (in-flight limit reached). */
  overLimit = 0;

  constructor(readonly pricePerMillion: number) {}

  call(action: Action, payloadBytes: number): void {
    this.counts[ACTION_INDEX[action]]++;
    this.billed += payloadBytes <= CHUNK_BYTES ? 1 : Math.ceil(payloadBytes / CHUNK_BYTES);
  }

  /** Calls by action, the actions called at least once. */
  get calls(): Map<Action, number> {
    return new Map(ACTIONS.map((a, i): [Action, number] => [a, this.counts[i]]).filter(([, n]) => n > 0));
  }

  throttle(action: Action): void {
    this.throttled.set(action, (this.throttled.get(action) ?? 0) + 1);
  }

  get dollars(): number {
    return (this.billed * this.pricePerMillion) / 1e6;
  }
}
