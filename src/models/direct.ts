/**
 * The no-queue baseline: producers call the downstream synchronously. The downstream is the
 * consumer group's instances (instances × concurrency handlers, the group's service time); a
 * caller that finds no free handler waits in the downstream's own wait queue (a connection
 * pool's queue), up to `maxQueue` callers, and gives up after `timeoutMs`.
 *
 * Outcomes, as ledger facts:
 * - the response arrives in time: the call is `accept`ed (the caller knows it worked);
 * - a call fails with `queue-full` (wait queue at its limit), `timeout` (no response within
 *   the timeout, counted from the start of the attempt), `downstream-crash` (the instance
 *   died holding it), `error` (the handler failed, or the downstream answered an error at once,
 *   with probability `errorRate`) or `unavailable` (an outage: the connection is refused at
 *   once); with retries left it is tried again after a backoff, otherwise it is `reject`ed with
 *   that cause;
 * - a call that timed out while in service still runs to the end: its side effect is applied
 *   (`process`) although its caller saw a failure, so a retry of it applies the effect twice,
 *   and the ledger reports a duplicate, as it would happen to a real database.
 *
 * There is no queue, so nothing enters a group's lag: the waiting callers are the `waiting`
 * gauge, and `busy` / `utilisation` show the downstream's load.
 *
 * Outages nest (fixed windows and random ones may overlap): calls are refused while any is under
 * way, and the first start and the last end are marked on the timeline.
 *
 * Same-instant races: a response that arrives exactly at the caller's deadline wins (a call
 * fails only when it waits *beyond* the timeout): deadlines run in the kernel's LATE lane,
 * after everything else due at that instant.
 */
import { LATE, URGENT, type Kernel } from '../sim/kernel.js';
import type { Random } from '../sim/rng.js';
import { Fifo } from '../sim/ring.js';
import type { Facts, MessageId } from './facts.js';
import type { ConsumerInstance } from './consumer.js';
import { Delivery, type DeliveryPort, type Gauge, type System } from './system.js';
import { RoundRobin } from './round-robin.js';
import type { CrashPoint } from './consumer-core.js';
import type { Crashable } from './faults.js';

export interface DirectOptions {
  /** Caller timeout per attempt, ms; Infinity for none. */
  timeoutMs: number;
  /** Callers that may wait for a handler; 0 for none (a busy downstream fails the call). */
  maxQueue: number;
  /** Attempts after the first. */
  retries: number;
  /** First backoff, ms; doubles per retry up to `maxBackoffMs`, with full jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Probability that an attempt is answered with an error at once (a 5xx), from `errorRandom`. */
  errorRate: number;
}

export type CallFailure = 'queue-full' | 'timeout' | 'downstream-crash' | 'error' | 'unavailable';

/** What the model reports beyond the ledger's facts; src/observe/systems/direct.ts folds them. */
export interface CallFacts {
  /** An attempt failed (retried or not). */
  attemptFailed(cause: CallFailure): void;
  /** A call failed for good, now: its last attempt failed. */
  callFailed(): void;
}

/** One attempt of one call; once a handler takes it, it is that handler's delivery too. */
class Call extends Delivery {
  /** False while in the wait queue. */
  inService = false;
  /** When the caller gives up on this attempt (Infinity without a timeout). */
  dueMs = Infinity;
  /** The caller gave up on this attempt or it failed: later events of it change nothing. */
  over = false;

  constructor(
    readonly direct: Direct,
    id: MessageId,
    attempt: number,
  ) {
    super(id, attempt);
  }
}

export class Direct implements System, DeliveryPort<Call> {
  readonly type = 'direct';
  private readonly pool = new RoundRobin<ConsumerInstance<Call>>();
  /** Callers in arrival order; ones that gave up stay until they reach the head. */
  private readonly waiting = new Fifo<Call>();
  /** Callers still waiting (those that gave up not counted). */
  private waitingCount = 0;
  private dispatching = false;
  /** Outages under way: calls are refused while any is. */
  private outages = 0;
  /**
   * Attempts in deadline order: every attempt gets the same timeout, so arrival order is
   * deadline order, and one kernel event, for the earliest, serves them all (an event per
   * attempt would mostly fire after its call had succeeded).
   */
  private readonly deadlines = new Fifo<Call>();
  private deadlineArmed = false;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly group: number,
    readonly options: DirectOptions,
    private readonly backoffRandom: Random,
    private readonly errorRandom: Random,
    private readonly facts: CallFacts,
  ) {}

  attach(instance: ConsumerInstance<Call>): void {
    this.pool.add(instance);
  }

  get capacity(): number {
    return this.pool.members.reduce((sum, i) => sum + i.options.concurrency, 0);
  }

  publish(_producer: number, id: MessageId): void {
    this.call(id, 1);
  }

  /** Starts attempt `attempt` of call `id`. */
  call(id: MessageId, attempt: number): void {
    const call = new Call(this, id, attempt);
    if (this.outages > 0) return this.failed(call, 'unavailable');
    if (this.options.errorRate > 0 && this.errorRandom() < this.options.errorRate) return this.failed(call, 'error');
    if (this.options.timeoutMs !== Infinity) this.track(call);
    if (this.waitingCount === 0 && this.serve(call)) return;
    if (this.waitingCount >= this.options.maxQueue) return this.failed(call, 'queue-full');
    this.waiting.push(call);
    this.waitingCount++;
  }

  ack(call: Call): void {
    if (call.over) return; // the caller already gave up: the effect was applied all the same
    call.over = true;
    this.ledger.accept(call.id);
    this.ledger.ack(this.group, call.id);
  }

  fail(call: Call): void {
    if (!call.over) this.failed(call, 'error');
  }

  release(unacked: Call[]): void {
    for (const call of unacked) if (!call.over) this.failed(call, 'downstream-crash');
    this.dispatch();
  }

  capacityFreed(): void {
    this.dispatch();
  }

  /** An outage starts (`detail`: at a time, or random): the downstream refuses every call. */
  outageStarts(detail: string): void {
    if (this.outages++ === 0) this.ledger.mark('outage-start', 'downstream', detail);
  }

  outageEnds(): void {
    if (--this.outages === 0) this.ledger.mark('outage-end', 'downstream');
  }

  /** Expires every attempt whose deadline has come; finished ones are dropped on the way. */
  expireDue(): void {
    this.deadlineArmed = false;
    const now = this.kernel.now;
    while (this.deadlines.length > 0) {
      const call = this.deadlines.peek();
      if (!call.over && call.dueMs > now) return this.arm(call.dueMs);
      this.deadlines.shift();
      if (call.over) continue;
      if (!call.inService) this.waitingCount--; // left in the array, skipped when reached
      this.failed(call, 'timeout');
    }
  }

  private track(call: Call): void {
    call.dueMs = this.kernel.now + this.options.timeoutMs;
    this.deadlines.push(call);
    if (!this.deadlineArmed) this.arm(call.dueMs);
  }

  /** Deadlines run in the LATE lane: a response due at the same instant wins. */
  private arm(atMs: number): void {
    this.deadlineArmed = true;
    this.kernel.at(atMs, expireDue, this, LATE);
  }

  /** Handlers of live instances holding a call (timed-out calls still running included). */
  get busy(): number {
    let busy = 0;
    for (const instance of this.pool.members) if (instance.alive) busy += instance.options.concurrency - instance.free;
    return busy;
  }

  gauges(): Gauge[] {
    return [
      { metric: 'waiting', subject: 'downstream', read: () => this.waitingCount },
      { metric: 'busy', subject: 'downstream', read: () => this.busy },
      {
        metric: 'utilisation',
        subject: 'downstream',
        read: () => (this.capacity === 0 ? 0 : this.busy / this.capacity),
      },
    ];
  }

  private failed(call: Call, cause: CallFailure): void {
    call.over = true;
    this.facts.attemptFailed(cause);
    if (call.attempt > this.options.retries) {
      this.ledger.reject(call.id, cause);
      this.facts.callFailed();
      return;
    }
    // Exponential backoff with full jitter (AWS architecture blog): uniform in [0, cap).
    const cap = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (call.attempt - 1));
    this.kernel.schedule(this.backoffRandom() * cap, retry, call);
  }

  /** Hands `call` to a free handler; false when every handler is busy. */
  private serve(call: Call): boolean {
    const instance = this.pool.nextFree();
    if (instance === null) return false;
    call.inService = true;
    instance.handle(call);
    return true;
  }

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    while (this.waitingCount > 0) {
      const call = this.waiting.peek();
      if (call.over) {
        this.waiting.shift();
        continue;
      }
      if (!this.serve(call)) break;
      this.waiting.shift();
      this.waitingCount--;
    }
    this.dispatching = false;
  }
}

/** The downstream's outages as a random-crash fault sees them: a crash is an outage. */
export class OutageSwitch implements Crashable {
  /** Only at-time failures are drawn for an outage: this stays null. */
  armed: CrashPoint | null = null;
  onCrash: (() => void) | null = null;
  private down = false;

  constructor(private readonly direct: Direct) {}

  get alive(): boolean {
    return !this.down;
  }

  crash(): void {
    if (this.down) return;
    this.down = true;
    this.direct.outageStarts('random');
    const onCrash = this.onCrash;
    this.onCrash = null;
    onCrash?.();
  }

  restart(): void {
    if (!this.down) return;
    this.down = false;
    this.direct.outageEnds();
  }
}

/**
 * A fixed outage window [atMs, atMs + forMs): in the URGENT lane, as every fault, so a call at
 * the start instant is refused and one at the end instant goes through.
 */
export function scheduleOutage(kernel: Kernel, direct: Direct, atMs: number, forMs: number): void {
  kernel.at(atMs, outageStarts, direct, URGENT);
  kernel.at(atMs + forMs, outageEnds, direct, URGENT);
}

function outageStarts(direct: Direct): void {
  direct.outageStarts('at time');
}

function outageEnds(direct: Direct): void {
  direct.outageEnds();
}

function expireDue(direct: Direct): void {
  direct.expireDue();
}

function retry(call: Call): void {
  call.direct.call(call.id, call.attempt + 1);
}
