/**
 * Facts: what a model reports about each message's life, and the little it may ask back.
 *
 * Models report facts (produced, accepted, delivered, processed, acked, abandoned, …) and never
 * count duplicates, losses or lag themselves. The observe layer's Ledger implements this, so the
 * models depend on this interface and not on the layer above them (README, "Layout").
 */

/** A message's global id, handed out by `produce`. */
export type MessageId = number;
/** Key index from the ledger's `addKeys` or `addKeyNames`, or NO_KEY. */
export type KeyId = number;
export const NO_KEY = -1;

/** The counts of one consumer group that a model shows among its own gauges. */
export interface GroupCounts {
  readonly redeliveries: number;
  readonly deadLetters: ReadonlyMap<string, number>;
}

export interface Facts {
  /** A producer created a message and tried to send it. Returns its global id. */
  produce(producer: number, key: KeyId): MessageId;
  /** The system stored the message and told the producer so. */
  accept(id: MessageId): void;
  /** The system refused the message, or the producer gave up on it. */
  reject(id: MessageId, cause: string): void;
  /** A retry stored an extra copy of an already stored message. */
  duplicateAppend(id: MessageId): void;
  /**
   * The message became group g's to process (routed to its queue, appended to its topic).
   * A log names the partition and offset, for the history.
   */
  enqueue(g: number, id: MessageId, partition?: string | null, offset?: number): void;
  /** Handed to a consumer instance (named for the history) as attempt 1, 2, … */
  deliver(g: number, id: MessageId, attempt: number, instance?: string | null): void;
  /**
   * A handler of group g (on `instance`, for the history) starts serving a delivery of `id`
   * for `ms` (cut short if it crashes). The instance is named because two may hold the same
   * message at once (an SQS visibility timeout ran out); the same holds below.
   */
  serve(g: number, id: MessageId, ms: number, instance?: string): void;
  /** SQS: the message's visibility timeout ran out while group g held it: it is visible again. */
  visibilityExpired(g: number, id: MessageId): void;
  /** SQS: ChangeMessageVisibility made the held message invisible for `timeoutMs` from now. */
  visibilityChanged(g: number, id: MessageId, timeoutMs: number): void;
  /** An instance of group g went down (crashed or left) or came back: its availability. */
  instanceDown(g: number): void;
  instanceUp(g: number): void;
  /** The handler applied the message's effect; `replay` after a deliberate seek back. */
  process(g: number, id: MessageId, replay?: boolean, instance?: string): void;
  /** The consumer's handler failed on a delivery: no side effect was applied. */
  fail(g: number, id: MessageId, instance?: string): void;
  /** An idempotent consumer recognised a redelivery and did not apply its effect again. */
  suppress(g: number, id: MessageId, instance?: string): void;
  /** The system was told the message is done (ack, offset commit, DeleteMessage). */
  ack(g: number, id: MessageId): void;
  /** The consumer holding a delivery died. */
  abandon(g: number, id: MessageId, cause: string): void;
  deadLetter(g: number, id: MessageId, reason: string): void;
  /** A dead-lettered message's x-death record: the queue it left, why, its deaths there. */
  deathRecord(id: MessageId, queue: string, reason: string, count: number): void;
  /** A stored message was taken back (lost in a leader election) and is not the group's. */
  withdraw(g: number, id: MessageId): void;
  /** Removed without processing (retention, TTL without DLX, overflow, offset reset past it). */
  drop(g: number, id: MessageId, cause: string): void;
  /** A timeline entry: crash, restart, phase start and end, … */
  mark(kind: string, subject: string, detail?: string): void;
  /** A log group's new assignment (member → partitions); `describe` runs only for a history. */
  assignment(group: string, describe: () => Record<string, string[]>): void;
  phaseStart(name: string): void;
  phaseEnd(name: string): void;

  /** The key a message was produced with (NO_KEY for none): partitioners route by it. */
  keyOfMessage(id: MessageId): KeyId;
  keyName(key: KeyId): string | null;
  /** Whether the producer got the message's acknowledgement. */
  isAccepted(id: MessageId): boolean;
  produceTimeOf(id: MessageId): number;
  /** Group g's counts so far. */
  countsOf(g: number): GroupCounts;
}
