/**
 * The simulation kernel: the clock and the event queue, nothing else.
 *
 * Owns simulated time (`now`, milliseconds) and the order in which callbacks run. Events are
 * ordered by (time, lane, insertion sequence):
 * - at the same instant, every URGENT event runs before every NORMAL one, and every NORMAL one
 *   before every LATE one (SimPy's URGENT/NORMAL priorities, plus a lane for deadlines);
 * - within a lane, events run in the order they were scheduled, including events scheduled at
 *   delay 0 from inside a running event.
 * Models state a same-instant rule by picking a lane, not by the order they schedule things in:
 * a timeout is LATE, so a response due at the very instant of the deadline arrives first. That
 * rule, not the heap's internal layout, decides ties, which keeps every run reproducible. The
 * kernel knows nothing about messages, queues or reports: models drive it with plain callbacks.
 *
 * Performance is a feature here: the hot loop allocates nothing per event. The heap is a binary
 * heap whose keys (time, sequence, slot) live in typed arrays in heap order, so sifting reads
 * contiguous memory. A slot holds the callback and its argument in parallel JS arrays; slots are
 * recycled through a free list, and all arrays grow by doubling. The lane is folded into the
 * sequence key (each lane owns a disjoint range of it), so ordering stays one comparison pair.
 */

/** Simulated time or duration, in milliseconds. */
export type SimTime = number;

/** A cancellable scheduled callback. Cancellation is lazy: the event still pops, then no-ops. */
export interface Timer {
  cancel(): void;
  /** True until the timer fires or is cancelled. */
  readonly pending: boolean;
  /** The simulated time the timer was set for. */
  readonly timeMs: SimTime;
}

export interface RunOptions {
  /** Run every event with time <= until, then set now = until. Omitted: run until idle. */
  until?: SimTime;
  /** Called every `progressEvery` executed events, for progress bars. */
  onProgress?: (now: SimTime) => void;
  /** Defaults to 65536. */
  progressEvery?: number;
}

/** Same-instant lanes: at equal times URGENT runs first, then NORMAL (the default), then LATE. */
export const URGENT = 0;
export const NORMAL = 1;
export const LATE = 2;
export type Lane = typeof URGENT | typeof NORMAL | typeof LATE;

// Each lane's sequence keys lie in their own range of 2^50 (a run would need 10^15 events to
// leave it); doubles hold these integers exactly up to 2^53.
const LANE_SPAN = 2 ** 50;

// `any` so that one array can hold callbacks of every argument type; schedule() keeps the
// pairing of fn and arg type-safe at the call site.
type Callback = (arg: any) => void;

const INITIAL_CAPACITY = 1024;
const DEFAULT_PROGRESS_EVERY = 1 << 16;

class KernelTimer<A> implements Timer {
  fn: ((arg: A) => void) | undefined;
  arg: A | undefined;

  constructor(
    readonly timeMs: SimTime,
    fn: (arg: A) => void,
    arg: A,
  ) {
    this.fn = fn;
    this.arg = arg;
  }

  get pending(): boolean {
    return this.fn !== undefined;
  }

  cancel(): void {
    // Drop the references now so a cancelled timer far in the future holds nothing alive.
    this.fn = undefined;
    this.arg = undefined;
  }
}

export class Kernel {
  private nowMs: SimTime = 0;
  private executed = 0;
  private size = 0;
  private seqNext = 0;
  private capacity = INITIAL_CAPACITY;
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  // Sequence numbers are doubles, not int32, so a long run cannot overflow them.
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private fns: (Callback | undefined)[] = packedArray(INITIAL_CAPACITY);
  private args: unknown[] = packedArray(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotsUsed = 0;
  private running = false;
  private stopRequested = false;

  /** Current simulated time in ms. */
  get now(): SimTime {
    return this.nowMs;
  }

  /** Events executed so far (cancelled timers are not counted). */
  get events(): number {
    return this.executed;
  }

  /** Events scheduled and not yet run; cancelled timers count until their time comes. */
  get pending(): number {
    return this.size;
  }

  /** Runs `fn(arg)` after `delayMs` of simulated time, in `lane` among same-instant events. */
  schedule<A>(delayMs: number, fn: (arg: A) => void, arg: A, lane: Lane = NORMAL): void {
    if (!(delayMs >= 0 && delayMs < Infinity)) throw delayError('schedule', delayMs);
    this.push(this.nowMs + delayMs, fn, arg, lane);
  }

  /** Runs `fn(arg)` at absolute simulated time `timeMs`, in `lane` among same-instant events. */
  at<A>(timeMs: SimTime, fn: (arg: A) => void, arg: A, lane: Lane = NORMAL): void {
    if (!(timeMs >= this.nowMs && timeMs < Infinity)) throw timeError(timeMs, this.nowMs);
    this.push(timeMs, fn, arg, lane);
  }

  /** Like schedule(), but returns a handle that can cancel the event. */
  timer<A>(delayMs: number, fn: (arg: A) => void, arg: A, lane: Lane = NORMAL): Timer {
    if (!(delayMs >= 0 && delayMs < Infinity)) throw delayError('timer', delayMs);
    const timer = new KernelTimer(this.nowMs + delayMs, fn, arg);
    this.push(timer.timeMs, this.fireTimer, timer, lane);
    return timer;
  }

  /** Time of the next event, Infinity if none. */
  peek(): SimTime {
    return this.size > 0 ? this.heapTime[0] : Infinity;
  }

  /** Runs one event; false if there was none. */
  step(): boolean {
    if (this.size === 0) return false;
    this.runNext();
    return true;
  }

  /**
   * Runs events in order. With `until`, runs every event with time <= until and then sets
   * now = until; later events stay queued. Without it, runs until no events are left.
   */
  run(opts: RunOptions = {}): void {
    const { until, onProgress } = opts;
    const every = opts.progressEvery ?? DEFAULT_PROGRESS_EVERY;
    this.checkRun(until, every);
    const limit = until ?? Infinity;
    let countdown = every;
    this.running = true;
    this.stopRequested = false;
    try {
      while (this.size > 0 && this.heapTime[0] <= limit) {
        this.runNext();
        if (--countdown === 0) {
          countdown = every;
          if (onProgress !== undefined) onProgress(this.nowMs);
        }
        if (this.stopRequested) return;
      }
      if (limit < Infinity) this.nowMs = limit;
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
  }

  /** Makes run() return after the current event (without advancing now to `until`). */
  stop(): void {
    this.stopRequested = true;
  }

  private checkRun(until: SimTime | undefined, every: number): void {
    if (this.running) {
      throw new Error('Kernel.run() was called from inside an event; schedule work instead');
    }
    if (until !== undefined && !(until >= this.nowMs)) {
      throw new RangeError(`run: until (${until}) must be a time >= now (${this.nowMs})`);
    }
    if (!(Number.isInteger(every) && every > 0)) {
      throw new RangeError(`run: progressEvery must be a positive integer, got ${every}`);
    }
  }

  // One closure per kernel, not per timer: the event's argument is the timer itself.
  private readonly fireTimer = (timer: KernelTimer<unknown>): void => {
    const fn = timer.fn;
    if (fn === undefined) {
      this.executed--; // runNext() counted it, but a cancelled timer executes nothing
      return;
    }
    const arg = timer.arg;
    timer.cancel(); // marks it fired (pending = false) and releases the references
    fn(arg);
  };

  private runNext(): void {
    const slot = this.heapSlot[0];
    this.nowMs = this.heapTime[0];
    this.removeRoot();
    const fn = this.fns[slot] as Callback;
    const arg = this.args[slot];
    // Release before calling, so the slot can be reused by events fn schedules, and so that a
    // long run does not keep every past argument alive.
    this.fns[slot] = undefined;
    this.args[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    this.executed++;
    fn(arg);
  }

  private push(timeMs: SimTime, fn: Callback, arg: unknown, lane: Lane): void {
    if (this.size === this.capacity) this.grow();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.slotsUsed++;
    this.fns[slot] = fn;
    this.args[slot] = arg;
    const seq = this.seqNext++ + (lane - NORMAL) * LANE_SPAN;
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    let i = this.size++;
    // Sift up. The sequence is read only on a time tie, so the common case compares times alone.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = heapTime[parent];
      if (parentTime < timeMs || (parentTime === timeMs && heapSeq[parent] < seq)) break;
      heapTime[i] = parentTime;
      heapSeq[i] = heapSeq[parent];
      heapSlot[i] = heapSlot[parent];
      i = parent;
    }
    heapTime[i] = timeMs;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  private removeRoot(): void {
    const n = --this.size;
    if (n === 0) return;
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    const time = heapTime[n];
    const seq = heapSeq[n];
    const slot = heapSlot[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let childTime = heapTime[child];
      let childSeq = heapSeq[child];
      const right = child + 1;
      if (right < n) {
        const rightTime = heapTime[right];
        if (rightTime < childTime || (rightTime === childTime && heapSeq[right] < childSeq)) {
          child = right;
          childTime = rightTime;
          childSeq = heapSeq[right];
        }
      }
      if (time < childTime || (time === childTime && seq < childSeq)) break;
      heapTime[i] = childTime;
      heapSeq[i] = childSeq;
      heapSlot[i] = heapSlot[child];
      i = child;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.heapTime = growFloat64(this.heapTime, capacity);
    this.heapSeq = growFloat64(this.heapSeq, capacity);
    this.heapSlot = growInt32(this.heapSlot, capacity);
    this.freeSlots = growInt32(this.freeSlots, capacity);
    // push() keeps the arrays packed (no holes), which keeps element access on the fast path.
    for (let i = this.capacity; i < capacity; i++) {
      this.fns.push(undefined);
      this.args.push(undefined);
    }
    this.capacity = capacity;
  }
}

// Built by push() rather than new Array(n), which V8 would mark holey for good.
function packedArray(length: number): undefined[] {
  const array: undefined[] = [];
  for (let i = 0; i < length; i++) array.push(undefined);
  return array;
}

function growFloat64(array: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(capacity);
  grown.set(array);
  return grown;
}

function growInt32(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

// Errors are built outside the hot methods so those stay small enough to inline.
function delayError(method: string, delayMs: number): RangeError {
  return new RangeError(
    `${method}: delay must be a finite number of ms >= 0, got ${String(delayMs)}`,
  );
}

function timeError(timeMs: number, nowMs: number): RangeError {
  const reason = Number.isNaN(timeMs)
    ? 'is not a number'
    : timeMs === Infinity
      ? 'is not finite'
      : `is before now (${nowMs})`;
  return new RangeError(`at: time ${String(timeMs)} ${reason}`);
}
