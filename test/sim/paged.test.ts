/** Produce records: time, key and sequence of a message side by side, across pages, keys or none. */
import { describe, expect, it } from 'vitest';
import { produceRecords } from '../../src/sim/paged.js';

const PAGE = 1 << 16;

describe('produceRecords', () => {
  it('keeps time, key and sequence per message across pages, the key -1 until recorded', () => {
    const records = produceRecords(-1);
    records.keepKeys();
    for (const id of [0, 1, PAGE - 1, PAGE, 2 * PAGE + 7]) records.set(id, id + 0.25, id % 5, id * 3);
    for (const id of [0, 1, PAGE - 1, PAGE, 2 * PAGE + 7]) {
      expect([records.time(id), records.key(id), records.seq(id)]).toEqual([id + 0.25, id % 5, id * 3]);
    }
    expect(records.key(2)).toBe(-1); // in a page, not recorded
    expect(records.key(5 * PAGE)).toBe(-1); // beyond the pages
    expect(records.bytes()).toBe(3 * PAGE * 16);
  });

  it('keeps the time alone, 8 bytes a message, until keys are kept', () => {
    const records = produceRecords(-1);
    records.set(PAGE + 3, 12.5, -1, 0);
    expect([records.time(PAGE + 3), records.key(PAGE + 3), records.seq(PAGE + 3)]).toEqual([12.5, -1, 0]);
    expect(records.bytes()).toBe(2 * PAGE * 8);
    expect(() => records.keepKeys()).toThrow(/records were made already/);
  });
});
