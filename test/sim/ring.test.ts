/** The one ring buffer: order kept across wrap-around, growth and inserts in the middle. */
import { describe, expect, it } from 'vitest';
import { Fifo, IntPairDeque } from '../../src/sim/ring.js';
import { ReadyList } from '../../src/models/broker/ready-list.js';
import { DeadlineRing } from '../../src/models/queue/deadline-ring.js';

function drain<T>(fifo: Fifo<T>): T[] {
  const out: T[] = [];
  while (fifo.length > 0) out.push(fifo.shift());
  return out;
}

describe('Fifo', () => {
  it('keeps order when it wraps around and grows past its first 16 slots', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 10; i++) fifo.push(i);
    for (let i = 0; i < 8; i++) expect(fifo.shift()).toBe(i); // head now at slot 8
    for (let i = 10; i < 40; i++) fifo.push(i); // wraps, then grows twice (16 → 32 → 64)
    expect(fifo.length).toBe(32);
    expect(fifo.peek()).toBe(8);
    expect(drain(fifo)).toEqual(Array.from({ length: 32 }, (_, k) => k + 8));
  });

  it('inserts before the queued items it precedes, near the tail and near the head', () => {
    const fifo = new Fifo<number>();
    for (const id of [1, 3, 5, 7, 9, 11]) fifo.push(id);
    fifo.insertBefore(10, (queued) => queued > 10); // one from the tail: moves the tail
    fifo.insertBefore(2, (queued) => queued > 2); // near the head: moves the head side
    fifo.insertBefore(0, (queued) => queued > 0); // at the head
    fifo.insertBefore(12, (queued) => queued > 12); // at the tail
    expect(drain(fifo)).toEqual([0, 1, 2, 3, 5, 7, 9, 10, 11, 12]);
    // An insert that fills the ring grows it first.
    for (let id = 0; id < 32; id += 2) fifo.push(id);
    fifo.insertBefore(29, (queued) => queued > 29);
    expect(drain(fifo)).toEqual([...Array.from({ length: 15 }, (_, k) => 2 * k), 29, 30]);
  });
});

describe('IntPairDeque', () => {
  it('puts a requeued pair back at the head and keeps value and tag together through growth', () => {
    const deque = new IntPairDeque();
    for (let i = 0; i < 1500; i++) deque.pushBack(i, i % 7);
    deque.shift();
    deque.pushFront(99, 3);
    expect([deque.peekValue(), deque.peekTag()]).toEqual([99, 3]);
    deque.shift();
    const seen: number[] = [];
    while (deque.length > 0) {
      expect(deque.peekTag()).toBe(deque.peekValue() % 7);
      seen.push(deque.peekValue());
      deque.shift();
    }
    expect(seen).toEqual(Array.from({ length: 1499 }, (_, k) => k + 1));
  });

  it('keeps order and pairs when it grows while wrapped around', () => {
    const deque = new IntPairDeque();
    for (let i = 0; i < 1000; i++) deque.pushBack(i, -i);
    for (let i = 0; i < 900; i++) deque.shift(); // head at slot 900 of 1024
    for (let i = 1000; i < 3000; i++) deque.pushBack(i, -i); // wraps, then grows twice
    const seen: number[] = [];
    while (deque.length > 0) {
      expect(deque.peekTag()).toBe(-deque.peekValue());
      seen.push(deque.peekValue());
      deque.shift();
    }
    expect(seen).toEqual(Array.from({ length: 2100 }, (_, k) => k + 900));
  });
});

describe('ReadyList', () => {
  it('puts a requeued message back in its enqueue position, all four fields with it', () => {
    const ready = new ReadyList();
    for (let seq = 0; seq < 2000; seq++) ready.pushBack(100 + seq, 1, seq, seq * 10);
    // Deliver the first three; requeue the second one (seq 1) after its delivery.
    for (let k = 0; k < 3; k++) ready.shift();
    ready.insertBySeq(101, 2, 1, 10);
    expect([ready.headId(), ready.headAttempts(), ready.headSeq(), ready.headExpiresAt()]).toEqual([101, 2, 1, 10]);
    ready.insertBySeq(1500, 2, 1400, 14_000); // in the middle: the tail side moves
    const ids = ready.toArray();
    expect(ids.slice(0, 3)).toEqual([101, 103, 104]);
    expect(ids.indexOf(1500)).toBe(ids.indexOf(100 + 1400));
    expect(ids).toHaveLength(1999);
  });
});

describe('DeadlineRing', () => {
  it('gives the earliest deadline at the head and the last pushed one, across a wrap', () => {
    const ring = new DeadlineRing();
    for (let i = 0; i < 1000; i++) ring.push(i, i, -i);
    for (let i = 0; i < 900; i++) ring.shift();
    for (let i = 1000; i < 1200; i++) ring.push(i, i, -i); // wraps past slot 1023
    expect([ring.peekTime(), ring.peekSlot(), ring.peekHandle()]).toEqual([900, 900, -900]);
    expect(ring.lastTime()).toBe(1199);
    expect(ring.length).toBe(300);
  });
});
