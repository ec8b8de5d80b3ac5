/**
 * One partition of a topic: an append-only log of message ids at increasing offsets, in
 * segments, with retention deleting whole segments from the front (docs/semantics.md, log).
 *
 * Records are stored as 12 bytes each (a message id and an append timestamp) in pages of
 * 16,384 offsets; pages wholly below the log-start offset are freed, so memory is bounded by
 * what retention keeps. Segments are a handful of small objects per partition. A copy stored by
 * a producer retry keeps its id negated (−1 − id), so no extra byte per record says so.
 *
 * Consumers read below the high watermark (the offset every in-sync replica has); with one
 * replica it is the log end. A leader election may truncate the log end (replication.ts).
 */

const PAGE_BITS = 14;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

export interface RetentionConfig {
  /** retention.ms; Infinity for none. */
  retentionMs: number;
  /** retention.bytes per partition; Infinity for none (Kafka's −1). */
  retentionBytes: number;
  /** segment.bytes: a segment rolls before it would exceed this. */
  segmentBytes: number;
  /** segment.ms: a segment rolls once its first record is this old. */
  segmentMs: number;
}

interface Segment {
  baseOffset: number;
  bytes: number;
  firstMs: number;
  /** Largest record timestamp: time-based deletion looks at this. */
  maxMs: number;
}

export class Partition {
  logStartOffset = 0;
  logEndOffset = 0;
  /** Consumers read below this; acks=all writes are acknowledged once it passes them. */
  highWatermark = 0;
  /** False while the partition has no live leader: no reads, no writes. */
  online = true;
  /** Bytes in the retained segments. */
  bytes = 0;
  private readonly ids: (Int32Array | null)[] = [];
  private readonly times: (Float64Array | null)[] = [];
  private readonly segments: Segment[] = [];

  constructor(
    /** `<topic>-<partition>`, as Kafka tools print it. */
    readonly name: string,
    readonly topic: string,
    /** The partition number within its topic. */
    readonly index: number,
    /** Index among all partitions of all topics. */
    readonly global: number,
    private readonly config: RetentionConfig,
  ) {}

  /** Appends a record (or, with `copy`, a retry's second copy of one) and returns its offset. */
  append(id: number, sizeBytes: number, nowMs: number, copy = false): number {
    const offset = this.logEndOffset++;
    const page = offset >>> PAGE_BITS;
    if (page === this.ids.length) {
      this.ids.push(new Int32Array(PAGE_SIZE));
      this.times.push(new Float64Array(PAGE_SIZE));
    }
    this.ids[page]![offset & PAGE_MASK] = copy ? -1 - id : id;
    this.times[page]![offset & PAGE_MASK] = nowMs;
    let active = this.segments[this.segments.length - 1];
    if (active === undefined || this.shouldRoll(active, sizeBytes, nowMs)) {
      active = { baseOffset: offset, bytes: 0, firstMs: nowMs, maxMs: nowMs };
      this.segments.push(active);
    }
    active.bytes += sizeBytes;
    active.maxMs = nowMs;
    this.bytes += sizeBytes;
    return offset;
  }

  /** The message id at a retained offset. */
  idAt(offset: number): number {
    const raw = this.rawAt(offset);
    return raw < 0 ? -1 - raw : raw;
  }

  /** The message id at `offset`, or a negative number if the record there is a retry's copy. */
  storedId(offset: number): number {
    return this.rawAt(offset);
  }

  /** True if the message is stored at `offset` now (a leader change may have cut it away). */
  holds(offset: number, id: number): boolean {
    return offset >= this.logStartOffset && offset < this.logEndOffset && this.idAt(offset) === id;
  }

  /** The append time of a retained offset. */
  timeAt(offset: number): number {
    return this.times[offset >>> PAGE_BITS]![offset & PAGE_MASK];
  }

  /**
   * Cuts the log end back to `to` (a new leader's log end): its later records are gone, and
   * the offsets will be reused. Segment bytes shrink in proportion to the records cut.
   */
  truncate(to: number): void {
    if (to >= this.logEndOffset) return;
    let end = this.logEndOffset;
    while (this.segments.length > 0 && this.segments[this.segments.length - 1].baseOffset >= to) {
      const segment = this.segments.pop()!;
      this.bytes -= segment.bytes;
      end = segment.baseOffset;
    }
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && end > to) {
      const cut = Math.round((last.bytes * (end - to)) / (end - last.baseOffset));
      last.bytes -= cut;
      this.bytes -= cut;
    }
    this.logEndOffset = to;
    if (this.highWatermark > to) this.highWatermark = to;
  }

  private rawAt(offset: number): number {
    if (offset < this.logStartOffset || offset >= this.logEndOffset) {
      throw new RangeError(`${this.name}: offset ${offset} outside [${this.logStartOffset}, ${this.logEndOffset})`);
    }
    return this.ids[offset >>> PAGE_BITS]![offset & PAGE_MASK];
  }

  /** offsetsForTimes: the first retained offset with timestamp ≥ tMs, or the log end. */
  offsetForTime(tMs: number): number {
    let lo = this.logStartOffset;
    let hi = this.logEndOffset;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.times[mid >>> PAGE_BITS]![mid & PAGE_MASK] >= tMs) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * The retention check, as Kafka's UnifiedLog.deletableSegments: from the oldest segment on,
   * delete while its newest record is past retention.ms or the partition would still hold at
   * least retention.bytes without it, and while the high watermark has reached its end (the
   * next segment's base offset, or the log end for the active one). So the active segment of a
   * quiet partition goes too, once every replica has it: the log start moves to the log end and
   * the next append opens a new segment. An empty active segment is kept. Returns the new
   * log-start offset; `beforeDelete(from, to)` sees the doomed offsets while they still exist.
   */
  enforceRetention(nowMs: number, beforeDelete: (from: number, to: number) => void): number {
    const { retentionMs, retentionBytes } = this.config;
    const segments = this.segments;
    let drop = 0;
    let bytes = this.bytes;
    while (drop < segments.length) {
      const segment = segments[drop];
      const last = drop === segments.length - 1;
      const end = last ? this.logEndOffset : segments[drop + 1].baseOffset;
      if (this.highWatermark < end || (last && end === segment.baseOffset)) break;
      const expired = nowMs - segment.maxMs > retentionMs;
      const oversize = bytes - segment.bytes >= retentionBytes;
      if (!expired && !oversize) break;
      bytes -= segment.bytes;
      drop++;
    }
    if (drop === 0) return this.logStartOffset;
    const newStart = drop < segments.length ? segments[drop].baseOffset : this.logEndOffset;
    beforeDelete(this.logStartOffset, newStart);
    this.segments.splice(0, drop);
    this.bytes = bytes;
    this.logStartOffset = newStart;
    for (let page = 0; (page + 1) << PAGE_BITS <= newStart; page++) {
      this.ids[page] = null;
      this.times[page] = null;
    }
    return newStart;
  }

  /** Bytes of record storage held now, for the bytes-per-record figure. */
  storageBytes(): number {
    let bytes = 0;
    for (const page of this.ids) if (page !== null) bytes += page.byteLength;
    for (const page of this.times) if (page !== null) bytes += page.byteLength;
    return bytes;
  }

  private shouldRoll(active: Segment, sizeBytes: number, nowMs: number): boolean {
    if (active.bytes === 0) return false;
    return active.bytes + sizeBytes > this.config.segmentBytes || nowMs - active.firstMs >= this.config.segmentMs;
  }
}
