/** The partition's record store: 12 bytes a record, and only what retention keeps. */
import { describe, expect, it } from 'vitest';
import { Partition } from '../../../src/models/log/partition.js';

const PAGE = 16_384;

function partition(segmentBytes: number): Partition {
  return new Partition('t-0', 't', 0, 0, { retentionMs: 60_000, retentionBytes: Infinity, segmentBytes, segmentMs: Infinity });
}

describe('partition storage', () => {
  it('holds 12 bytes per record (an id and a timestamp), in pages of 16,384 offsets', () => {
    const p = partition(1024 ** 3);
    for (let i = 0; i < 5 * PAGE; i++) p.append(i, 100, i);
    expect(p.storageBytes()).toBe(5 * PAGE * 12);
  });

  it('frees the pages retention deleted: memory follows retention × rate, not the run', () => {
    // One record per ms, 1,000-record segments (100 KB): at 200 s retention (60 s) deletes the
    // segments whose newest record is more than 60 s old: up to the one ending at 139.999 s.
    const p = partition(100 * 1000);
    for (let i = 0; i < 200_000; i++) p.append(i, 100, i);
    p.highWatermark = p.logEndOffset;
    expect(p.enforceRetention(200_000, () => {})).toBe(140_000);
    // Pages wholly below offset 140,000 (8 of 13) are freed; 5 remain.
    expect(p.storageBytes()).toBe(5 * PAGE * 12);
    expect(p.idAt(140_000)).toBe(140_000);
    expect(() => p.idAt(139_999)).toThrow(RangeError);
  });

  it('deletes the active segment of a quiet partition once the high watermark has reached the log end', () => {
    // 10 records at 0 … 9 s in one segment (UnifiedLog.deletableSegments: the active segment
    // is deletable when its newest record is past retention.ms and the high watermark is at the
    // log end). At 69 s the newest (9 s) is exactly 60 s old: kept; at 69.001 s: all deleted.
    const p = partition(1024 ** 3);
    for (let i = 0; i < 10; i++) p.append(i, 100, i * 1000);
    p.highWatermark = 10;
    const deleted: [number, number][] = [];
    expect(p.enforceRetention(69_000, (from, to) => deleted.push([from, to]))).toBe(0);
    expect(p.enforceRetention(69_001, (from, to) => deleted.push([from, to]))).toBe(10);
    expect(deleted).toEqual([[0, 10]]);
    expect([p.logStartOffset, p.logEndOffset, p.bytes]).toEqual([10, 10, 0]);
    // The next record opens a new segment at offset 10; an empty log deletes nothing more.
    expect(p.enforceRetention(200_000, () => {})).toBe(10);
    expect(p.append(10, 100, 200_000)).toBe(10);
    expect(p.idAt(10)).toBe(10);
  });

  it('never deletes past the high watermark: a segment goes only once every replica has it', () => {
    // 5 records per segment (500 B): segments [0, 5), [5, 10), [10, 12). High watermark 7: the
    // first segment ends at 5 ≤ 7 and goes; the second ends at 10 > 7 and stays.
    const p = partition(500);
    for (let i = 0; i < 12; i++) p.append(i, 100, i);
    p.highWatermark = 7;
    expect(p.enforceRetention(1_000_000, () => {})).toBe(5);
    p.highWatermark = 12;
    expect(p.enforceRetention(1_000_000, () => {})).toBe(12);
  });

  it('a copy stored by a retry keeps its message id and says it is a copy', () => {
    const p = partition(1024 ** 3);
    p.append(7, 100, 0);
    p.append(7, 100, 1, true);
    expect([p.idAt(0), p.idAt(1)]).toEqual([7, 7]);
    expect([p.storedId(0), p.storedId(1)]).toEqual([7, -8]);
  });

  it('truncation cuts the log end back and the high watermark with it', () => {
    const p = partition(500);
    for (let i = 0; i < 20; i++) p.append(i, 100, i); // 5 records per segment
    p.highWatermark = 18;
    p.truncate(12);
    expect([p.logEndOffset, p.highWatermark, p.bytes]).toEqual([12, 12, 1200]);
    expect(p.append(99, 100, 30)).toBe(12); // the offset is reused
    expect(p.holds(12, 99)).toBe(true);
  });
});
