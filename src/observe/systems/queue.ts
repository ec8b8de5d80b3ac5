/**
 * The managed queue's own figures: requests by action, billed requests and their price, per
 * queue and in all, and the messages each queue redrove, deduplicated or expired. Each queue
 * reports its calls and movements as they happen (QueueFacts); they are folded here.
 *
 * AWS bills every request, empty receives included, and every 64 KB chunk of a request's
 * payload as one more request (docs/semantics.md, SQS).
 */
import { ACTIONS, billedRequests, type Action, type QueueFacts } from '../../models/queue/cost.js';
import { sorted } from '../sorted.js';

/** Request cost of a managed queue (SQS): every call is billed, empty receives included. */
export interface CostSummary {
  /** API calls by action (throttled calls excluded). Keys in sorted order. */
  requestsByAction: Record<string, number>;
  /** Requests as billed: each call once per started 64 KB chunk of its payload. */
  billedRequests: number;
  /** Receives that returned no message (billed too). */
  emptyReceives: number;
  /** Calls refused with ThrottlingException (FIFO throughput limits), by action. */
  throttledByAction: Record<string, number>;
  /** Short polls refused with OverLimit (in-flight limit reached). */
  overLimit: number;
  dollars: number;
  /** Dollars per million distinct messages processed (summed over groups); null when none. */
  dollarsPerMillionProcessed: number | null;
  queues: Record<string, QueueFigures>;
}

/** One queue's requests, cost and message movements. */
export interface QueueFigures {
  requestsByAction: Record<string, number>;
  billedRequests: number;
  emptyReceives: number;
  dollars: number;
  /** Messages moved to the dead-letter queue (maxReceiveCount). */
  redriven: number;
  /** Producer retries swallowed by FIFO deduplication. */
  deduplicated: number;
  /** Messages deleted by retention expiry. */
  expired: number;
}

/** The managed queue's part of result.json. */
export interface QueuePart {
  cost: CostSummary;
}

/** Each action's index in ACTIONS: a property read per call, not a search. */
const ACTION_INDEX: Readonly<Record<Action, number>> = Object.fromEntries(
  ACTIONS.map((a, i) => [a, i]),
) as Record<Action, number>;

/** One queue's meter: what it reported, folded into calls, billed requests and dollars. */
export class QueueMeter implements QueueFacts {
  /** Calls by action index (ACTIONS), as the API counts them (a throttled call is not a request). */
  private readonly counts = new Float64Array(ACTIONS.length);
  /** Billed requests: calls weighted by 64 KB chunks. */
  billed = 0;
  emptyReceives = 0;
  /** Calls refused with ThrottlingException (FIFO limits), by action. */
  readonly throttledCalls = new Map<Action, number>();
  /** Short-poll receives refused with OverLimit (in-flight limit reached). */
  overLimits = 0;
  redrivenMessages = 0;
  deduplicatedMessages = 0;
  expiredMessages = 0;

  constructor(
    readonly queue: string,
    readonly pricePerMillion: number,
  ) {}

  call(action: Action, payloadBytes: number): void {
    this.counts[ACTION_INDEX[action]]++;
    this.billed += billedRequests(payloadBytes);
  }

  emptyReceive(): void {
    this.emptyReceives++;
  }

  throttled(action: Action): void {
    this.throttledCalls.set(action, (this.throttledCalls.get(action) ?? 0) + 1);
  }

  overLimit(): void {
    this.overLimits++;
  }

  redriven(): void {
    this.redrivenMessages++;
  }

  deduplicated(): void {
    this.deduplicatedMessages++;
  }

  expired(): void {
    this.expiredMessages++;
  }

  /** Calls by action, the actions called at least once. */
  get calls(): Map<Action, number> {
    return new Map(ACTIONS.map((a, i): [Action, number] => [a, this.counts[i]]).filter(([, n]) => n > 0));
  }

  get dollars(): number {
    return (this.billed * this.pricePerMillion) / 1e6;
  }
}

/** The cost block over all queues' meters; `processed` sums the groups' distinct processings. */
export function costSummary(meters: readonly QueueMeter[], processed: number): CostSummary {
  const requests = new Map<string, number>();
  const throttled = new Map<string, number>();
  const perQueue: Record<string, QueueFigures> = {};
  let billed = 0;
  let dollars = 0;
  let empty = 0;
  let overLimit = 0;
  for (const m of meters) {
    for (const [a, n] of m.calls) requests.set(a, (requests.get(a) ?? 0) + n);
    for (const [a, n] of m.throttledCalls) throttled.set(a, (throttled.get(a) ?? 0) + n);
    billed += m.billed;
    dollars += m.dollars;
    empty += m.emptyReceives;
    overLimit += m.overLimits;
    perQueue[m.queue] = {
      requestsByAction: sorted(m.calls),
      billedRequests: m.billed,
      emptyReceives: m.emptyReceives,
      dollars: m.dollars,
      redriven: m.redrivenMessages,
      deduplicated: m.deduplicatedMessages,
      expired: m.expiredMessages,
    };
  }
  return {
    requestsByAction: sorted(requests),
    billedRequests: billed,
    emptyReceives: empty,
    throttledByAction: sorted(throttled),
    overLimit,
    dollars,
    dollarsPerMillionProcessed: processed === 0 ? null : (dollars / processed) * 1e6,
    queues: perQueue,
  };
}
