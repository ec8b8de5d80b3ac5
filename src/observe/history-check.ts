/**
 * The history checker: derives the summary's counts from the lines of a history alone, the
 * way Jepsen's checkers derive anomalies from an operation history.
 *
 * It reads only the raw facts (publish, accepted, rejected, enqueue, deliver, process,
 * handler-failed, suppressed, ack/commit/delete, abandon, dead-letter, withdraw, drop) and
 * ignores the ledger's verdict lines (duplicate, loss, ordering-violation), so that a test can
 * hold its counts against the ledger's: where they differ, one of the two folds is wrong. It
 * applies the definitions of docs/metrics.md:
 * - a duplicate is a processing of a message the group had processed before, unless the
 *   processing is a deliberate replay (a log group sought back);
 * - a loss is a message acknowledged but never processed when its holder died (abandon), or
 *   one dropped before it was processed (retention, TTL, overflow, offset reset, …);
 * - an ordering violation is a processing of a key's seq below the highest seq the group
 *   processed for that key.
 *
 * It keeps a few bits per message and group in a Map, so it suits histories that fit in
 * memory (filtered ones, the built-in scenarios); it cannot judge messages whose lines a
 * filter left out.
 */
import type { AckName } from './history.js';

/** One parsed line of a history (docs/history.md). */
export interface HistoryOp {
  t: number;
  op: string;
  msg?: number;
  key?: string | null;
  seq?: number | null;
  group?: string;
  instance?: string | null;
  attempt?: number;
  replay?: boolean;
  cause?: string;
  reason?: string;
  [field: string]: unknown;
}

export interface CheckedGroup {
  deliveries: number;
  redeliveries: number;
  processed: number;
  duplicates: number;
  duplicatesSuppressed: number;
  replayed: number;
  failures: number;
  losses: Record<string, number>;
  deadLettered: Record<string, number>;
  orderingViolations: number;
  backlogAtEnd: number;
}

export interface CheckedHistory {
  produced: number;
  accepted: number;
  rejected: Record<string, number>;
  duplicateAppends: number;
  groups: Record<string, CheckedGroup>;
}

/** What a processing line was, as the checker reads it. */
export type Effect =
  | { kind: 'first' | 'replay' }
  | { kind: 'duplicate'; times: number }
  | { kind: 'out-of-order'; afterSeq: number; times: number };

const ACK_OPS: ReadonlySet<string> = new Set<AckName>(['ack', 'commit', 'delete']);

const ENQUEUED = 1;
const PROCESSED = 2;
const ACKED = 4;
const RESOLVED = 8;

class GroupFold {
  readonly counts: CheckedGroup = {
    deliveries: 0,
    redeliveries: 0,
    processed: 0,
    duplicates: 0,
    duplicatesSuppressed: 0,
    replayed: 0,
    failures: 0,
    losses: {},
    deadLettered: {},
    orderingViolations: 0,
    backlogAtEnd: 0,
  };
  readonly flags = new Map<number, number>();
  readonly times = new Map<number, number>();
  readonly maxSeq = new Map<string, number>();
}

export class HistoryChecker {
  private readonly result: CheckedHistory = {
    produced: 0, accepted: 0, rejected: {}, duplicateAppends: 0, groups: {},
  };
  private readonly folds = new Map<string, GroupFold>();

  /** Folds one line in; for a processing line, returns what it was. */
  feed(op: HistoryOp): Effect | null {
    const r = this.result;
    switch (op.op) {
      // The header names every group, those with no line too (a queue nobody consumes).
      case 'history': for (const g of (op.groups ?? []) as string[]) this.fold(g); return null;
      case 'publish': r.produced++; return null;
      case 'accepted': r.accepted++; return null;
      case 'rejected': bump(r.rejected, op.cause ?? ''); return null;
      case 'duplicate-append': r.duplicateAppends++; return null;
    }
    if (op.group === undefined || op.msg === undefined) return null;
    const fold = this.fold(op.group);
    const id = op.msg;
    const flags = fold.flags.get(id) ?? 0;
    const c = fold.counts;
    switch (op.op) {
      case 'enqueue':
        fold.flags.set(id, flags | ENQUEUED);
        c.backlogAtEnd++;
        return null;
      case 'deliver':
        c.deliveries++;
        if ((op.attempt ?? 1) > 1) c.redeliveries++;
        return null;
      case 'process': return this.process(fold, op, id, flags);
      case 'handler-failed': c.failures++; return null;
      case 'suppressed': c.duplicatesSuppressed++; return null;
      case 'abandon':
        if ((flags & ACKED) !== 0 && (flags & PROCESSED) === 0) bump(c.losses, op.cause ?? '');
        return null;
      case 'dead-letter':
        bump(c.deadLettered, op.reason ?? '');
        this.resolve(fold, id, flags);
        return null;
      case 'withdraw':
        if ((flags & ENQUEUED) !== 0 && (flags & RESOLVED) === 0) c.backlogAtEnd--;
        fold.flags.set(id, flags & ~(ENQUEUED | ACKED | RESOLVED));
        return null;
      case 'drop':
        if ((flags & PROCESSED) === 0) bump(c.losses, op.cause ?? '');
        this.resolve(fold, id, flags);
        return null;
    }
    if (ACK_OPS.has(op.op) && (flags & ACKED) === 0) {
      fold.flags.set(id, flags | ACKED);
      this.resolve(fold, id, flags);
    }
    return null;
  }

  /** The counts so far. */
  get checked(): CheckedHistory {
    for (const [name, fold] of this.folds) this.result.groups[name] = fold.counts;
    return this.result;
  }

  private process(fold: GroupFold, op: HistoryOp, id: number, flags: number): Effect {
    const c = fold.counts;
    const times = (fold.times.get(id) ?? 0) + 1;
    fold.times.set(id, times);
    if (op.replay === true && (flags & PROCESSED) !== 0) {
      c.replayed++;
      return { kind: 'replay' };
    }
    let effect: Effect = { kind: 'first' };
    if ((flags & PROCESSED) === 0) {
      fold.flags.set(id, flags | PROCESSED);
      c.processed++;
    } else {
      c.duplicates++;
      effect = { kind: 'duplicate', times };
    }
    if (op.key === null || op.key === undefined || op.seq === null || op.seq === undefined) return effect;
    const highest = fold.maxSeq.get(op.key) ?? -1;
    if (op.seq < highest) {
      c.orderingViolations++;
      return { kind: 'out-of-order', afterSeq: highest, times };
    }
    fold.maxSeq.set(op.key, op.seq);
    return effect;
  }

  /** Left the group's backlog: acknowledged, dead-lettered or dropped. */
  private resolve(fold: GroupFold, id: number, before: number): void {
    const flags = fold.flags.get(id) ?? 0;
    fold.flags.set(id, flags | RESOLVED);
    if ((before & RESOLVED) === 0 && (before & ENQUEUED) !== 0) fold.counts.backlogAtEnd--;
  }

  private fold(group: string): GroupFold {
    let fold = this.folds.get(group);
    if (fold === undefined) {
      fold = new GroupFold();
      this.folds.set(group, fold);
    }
    return fold;
  }
}

/** Derives the counts of a whole history. */
export function checkHistory(ops: Iterable<HistoryOp>): CheckedHistory {
  const checker = new HistoryChecker();
  for (const op of ops) checker.feed(op);
  return checker.checked;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
