/**
 * Kernel tests: tiny timelines with exact answers. Each test lets events log [name, now] and
 * asserts the whole log, so an ordering change anywhere shows up as a diff.
 */
import { describe, expect, it } from 'vitest';
import { Kernel, LATE, NORMAL, URGENT, type Lane } from '../../src/sim/kernel.js';
import { Rng } from '../../src/sim/rng.js';

type Log = [string, number][];

function setup(): { kernel: Kernel; log: Log; note: (name: string) => void } {
  const kernel = new Kernel();
  const log: Log = [];
  return { kernel, log, note: (name: string) => log.push([name, kernel.now]) };
}

describe('ordering', () => {
  it('runs events by time, and equal times in scheduling order', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(5, note, 'a');
    kernel.schedule(5, note, 'b');
    kernel.schedule(3, note, 'c');
    kernel.at(5, note, 'd');
    kernel.schedule(0, note, 'e');
    kernel.run();
    expect(log).toEqual([
      ['e', 0],
      ['c', 3],
      ['a', 5],
      ['b', 5],
      ['d', 5],
    ]);
  });

  it('runs a delay-0 event scheduled inside an event after those already due then', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(5, (name: string) => {
      note(name);
      kernel.schedule(0, note, 'x (from a)');
      kernel.schedule(0, note, 'y (from a)');
    }, 'a');
    kernel.schedule(5, note, 'b');
    kernel.schedule(6, note, 'c');
    kernel.run();
    expect(log).toEqual([
      ['a', 5],
      ['b', 5],
      ['x (from a)', 5],
      ['y (from a)', 5],
      ['c', 6],
    ]);
  });

  it('passes the argument through', () => {
    const kernel = new Kernel();
    const seen: { id: number }[] = [];
    const payload = { id: 7 };
    kernel.schedule(1, (arg: { id: number }) => seen.push(arg), payload);
    kernel.run();
    expect(seen).toEqual([payload]);
    expect(seen[0]).toBe(payload);
  });

  it('keeps FIFO ties across heap growth (10,000 events on 50 distinct times)', () => {
    const kernel = new Kernel();
    const random = new Rng(1).stream('kernel-test/times');
    const scheduled: [number, number][] = [];
    const ran: [number, number][] = [];
    for (let id = 0; id < 10_000; id++) {
      const time = Math.floor(random() * 50);
      scheduled.push([time, id]);
      kernel.at(time, (eventId: number) => ran.push([kernel.now, eventId]), id);
    }
    kernel.run();
    // Array.prototype.sort is stable, so this is (time, scheduling order).
    expect(ran).toEqual(scheduled.sort((a, b) => a[0] - b[0]));
  });

  it('breaks a tie by when the event was scheduled, not by which process came first', () => {
    const { kernel, log, note } = setup();
    const tick = (n: number): void => {
      note(`tick${n}`);
      if (n < 3) kernel.schedule(2, tick, n + 1);
    };
    kernel.schedule(1, tick, 1);
    kernel.schedule(3, note, 'other');
    kernel.run();
    // 'other' was scheduled at time 0, tick2 only at time 1: 'other' runs first at time 3.
    expect(log).toEqual([
      ['tick1', 1],
      ['other', 3],
      ['tick2', 3],
      ['tick3', 5],
    ]);
  });
});

describe('same-instant lanes', () => {
  it('runs URGENT, then NORMAL, then LATE at an equal time, FIFO within each lane', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(5, note, 'late-1', LATE);
    kernel.schedule(5, note, 'normal-1');
    kernel.schedule(5, note, 'urgent-1', URGENT);
    kernel.at(5, note, 'late-2', LATE);
    kernel.at(5, note, 'normal-2', NORMAL);
    kernel.at(5, note, 'urgent-2', URGENT);
    kernel.schedule(4, note, 'earlier late', LATE);
    kernel.run();
    expect(log).toEqual([
      ['earlier late', 4],
      ['urgent-1', 5],
      ['urgent-2', 5],
      ['normal-1', 5],
      ['normal-2', 5],
      ['late-1', 5],
      ['late-2', 5],
    ]);
  });

  it('lets time win over lane: a LATE event at t runs before an URGENT one at t + 1', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(1, note, 'urgent', URGENT);
    kernel.schedule(0, note, 'late', LATE);
    kernel.run();
    expect(log).toEqual([
      ['late', 0],
      ['urgent', 1],
    ]);
  });

  it('puts a delay-0 URGENT event scheduled inside an event before the NORMAL ones already due', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(5, () => {
      note('a');
      kernel.schedule(0, note, 'x (normal, from a)');
      kernel.schedule(0, note, 'y (urgent, from a)', URGENT);
    }, null);
    kernel.schedule(5, note, 'b');
    kernel.schedule(5, note, 'c (late)', LATE);
    kernel.run();
    expect(log).toEqual([
      ['a', 5],
      ['y (urgent, from a)', 5],
      ['b', 5],
      ['x (normal, from a)', 5],
      ['c (late)', 5],
    ]);
  });

  it('lets a deadline in the LATE lane lose to a response due at the same instant, whatever the scheduling order', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(10, note, 'deadline', LATE); // scheduled first, as a caller's timeout is
    kernel.schedule(4, () => kernel.schedule(6, note, 'response'), null);
    kernel.run();
    expect(log).toEqual([
      ['response', 10],
      ['deadline', 10],
    ]);
  });

  it('orders timers by lane too, and a cancelled URGENT timer runs nothing', () => {
    const { kernel, log, note } = setup();
    kernel.timer(3, note, 'late timer', LATE);
    kernel.timer(3, note, 'normal timer');
    const cancelled = kernel.timer(3, note, 'cancelled urgent', URGENT);
    kernel.timer(3, note, 'urgent timer', URGENT);
    cancelled.cancel();
    kernel.run();
    expect(log).toEqual([
      ['urgent timer', 3],
      ['normal timer', 3],
      ['late timer', 3],
    ]);
    expect(kernel.events).toBe(3);
  });

  it('keeps (time, lane, scheduling order) across heap growth (10,000 events, 20 times, 3 lanes)', () => {
    const kernel = new Kernel();
    const random = new Rng(2).stream('kernel-test/lanes');
    const lanes: Lane[] = [URGENT, NORMAL, LATE];
    const scheduled: [number, number, number][] = [];
    const ran: number[] = [];
    for (let id = 0; id < 10_000; id++) {
      const time = Math.floor(random() * 20);
      const lane = lanes[Math.floor(random() * 3)];
      scheduled.push([time, lane, id]);
      kernel.at(time, (eventId: number) => ran.push(eventId), id, lane);
    }
    kernel.run();
    const expected = [...scheduled].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    expect(ran).toEqual(expected.map((e) => e[2]));
  });
});

describe('run', () => {
  it('without until runs until idle and leaves now at the last event', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(10, note, 'a');
    kernel.schedule(20, note, 'b');
    kernel.run();
    expect(log).toEqual([
      ['a', 10],
      ['b', 20],
    ]);
    expect(kernel.now).toBe(20);
    expect(kernel.pending).toBe(0);
    expect(kernel.peek()).toBe(Infinity);
  });

  it('with until runs events at times <= until, then sets now = until', () => {
    const { kernel, log, note } = setup();
    for (const time of [1, 5, 10, 11]) kernel.at(time, note, `t${time}`);
    kernel.run({ until: 10 });
    expect(log).toEqual([
      ['t1', 1],
      ['t5', 5],
      ['t10', 10],
    ]);
    expect(kernel.now).toBe(10);
    expect(kernel.pending).toBe(1);
    expect(kernel.peek()).toBe(11);

    kernel.run({ until: 10.5 });
    expect(kernel.now).toBe(10.5);
    expect(log).toHaveLength(3);

    kernel.run({ until: 20 });
    expect(log.at(-1)).toEqual(['t11', 11]);
    expect(kernel.now).toBe(20);
  });

  it('with until and no events still advances the clock', () => {
    const kernel = new Kernel();
    kernel.run({ until: 100 });
    expect(kernel.now).toBe(100);
    kernel.schedule(1, () => {}, null);
    expect(kernel.peek()).toBe(101);
  });

  it('rejects an until in the past', () => {
    const kernel = new Kernel();
    kernel.run({ until: 100 });
    expect(() => kernel.run({ until: 50 })).toThrow(/until \(50\) must be a time >= now \(100\)/);
  });

  it('step runs exactly one event', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(1, note, 'a');
    kernel.schedule(2, note, 'b');
    expect(kernel.step()).toBe(true);
    expect(log).toEqual([['a', 1]]);
    expect(kernel.step()).toBe(true);
    expect(kernel.step()).toBe(false);
    expect(log).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('stop() returns after the current event, without advancing to until', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(1, note, 'a');
    kernel.schedule(2, (name: string) => {
      note(name);
      kernel.stop();
    }, 'stopper');
    kernel.schedule(2, note, 'same time, after stop');
    kernel.schedule(3, note, 'c');
    kernel.run({ until: 100 });
    expect(log).toEqual([
      ['a', 1],
      ['stopper', 2],
    ]);
    expect(kernel.now).toBe(2);
    expect(kernel.pending).toBe(2);

    kernel.run();
    expect(log.slice(2)).toEqual([
      ['same time, after stop', 2],
      ['c', 3],
    ]);
  });

  it('calls onProgress every progressEvery events', () => {
    const kernel = new Kernel();
    for (let i = 1; i <= 10; i++) kernel.at(i * 10, () => {}, null);
    const progress: number[] = [];
    kernel.run({ onProgress: (now) => progress.push(now), progressEvery: 3 });
    expect(progress).toEqual([30, 60, 90]);
  });

  it('refuses to run from inside an event', () => {
    const kernel = new Kernel();
    kernel.schedule(1, () => kernel.run(), null);
    expect(() => kernel.run()).toThrow(/called from inside an event/);
  });

  it('counts executed events', () => {
    const kernel = new Kernel();
    kernel.schedule(1, () => kernel.schedule(1, () => {}, null), null);
    kernel.schedule(5, () => {}, null);
    expect(kernel.events).toBe(0);
    expect(kernel.pending).toBe(2);
    kernel.step();
    expect(kernel.events).toBe(1);
    expect(kernel.pending).toBe(2);
    kernel.run();
    expect(kernel.events).toBe(3);
    expect(kernel.pending).toBe(0);
  });
});

describe('timers', () => {
  it('fires an uncancelled timer like a scheduled event', () => {
    const { kernel, log, note } = setup();
    const timer = kernel.timer(5, note, 'timeout');
    expect(timer.timeMs).toBe(5);
    expect(timer.pending).toBe(true);
    kernel.run();
    expect(log).toEqual([['timeout', 5]]);
    expect(timer.pending).toBe(false);
  });

  it('never fires a cancelled timer, and does not count it as an event', () => {
    const { kernel, log, note } = setup();
    const timeout = kernel.timer(10, note, 'visibility timeout');
    kernel.schedule(4, (name: string) => {
      note(name);
      timeout.cancel();
    }, 'ack');
    kernel.schedule(12, note, 'later');
    expect(kernel.pending).toBe(3);
    kernel.run({ until: 5 });
    expect(timeout.pending).toBe(false);
    // Cancellation is lazy: the dead event stays queued until its time.
    expect(kernel.pending).toBe(2);
    kernel.run();
    expect(log).toEqual([
      ['ack', 4],
      ['later', 12],
    ]);
    expect(kernel.events).toBe(2);
  });

  it('treats cancel after firing, and cancelling twice, as harmless', () => {
    const { kernel, log, note } = setup();
    const timer = kernel.timer(1, note, 'fired');
    kernel.run();
    timer.cancel();
    timer.cancel();
    expect(log).toEqual([['fired', 1]]);
    expect(kernel.events).toBe(1);
  });

  it('orders timers with plain events by scheduling order at equal times', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(3, note, 'event 1');
    kernel.timer(3, note, 'timer');
    kernel.schedule(3, note, 'event 2');
    kernel.run();
    expect(log).toEqual([
      ['event 1', 3],
      ['timer', 3],
      ['event 2', 3],
    ]);
  });
});

describe('misuse', () => {
  it('throws RangeError naming a negative, NaN or infinite delay', () => {
    const kernel = new Kernel();
    const noop = (): void => {};
    expect(() => kernel.schedule(-1, noop, null)).toThrow(RangeError);
    expect(() => kernel.schedule(-1, noop, null)).toThrow(/schedule: .*got -1/);
    expect(() => kernel.schedule(NaN, noop, null)).toThrow(/got NaN/);
    expect(() => kernel.schedule(Infinity, noop, null)).toThrow(/got Infinity/);
    expect(() => kernel.timer(-0.5, noop, null)).toThrow(/timer: .*got -0.5/);
    expect(kernel.pending).toBe(0);
  });

  it('throws RangeError for an absolute time in the past or NaN', () => {
    const kernel = new Kernel();
    kernel.run({ until: 10 });
    const noop = (): void => {};
    expect(() => kernel.at(9, noop, null)).toThrow(/at: time 9 is before now \(10\)/);
    expect(() => kernel.at(NaN, noop, null)).toThrow(/at: time NaN is not a number/);
    expect(() => kernel.at(Infinity, noop, null)).toThrow(/not finite/);
    kernel.at(10, noop, null);
    expect(kernel.pending).toBe(1);
  });

  it('lets an exception in an event propagate and leaves the kernel usable', () => {
    const { kernel, log, note } = setup();
    kernel.schedule(1, () => {
      throw new Error('model bug');
    }, null);
    kernel.schedule(2, note, 'after');
    expect(() => kernel.run()).toThrow('model bug');
    expect(kernel.now).toBe(1);
    kernel.run();
    expect(log).toEqual([['after', 2]]);
  });
});
