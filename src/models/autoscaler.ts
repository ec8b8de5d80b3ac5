/**
 * The autoscaler of a consumer group, as KEDA feeds a queue's depth or a group's lag to the
 * Kubernetes Horizontal Pod Autoscaler (docs/semantics.md, "Autoscaling"):
 *
 * - every `pollingInterval` it reads the metric and computes the HPA's recommendation,
 *   desired = ceil(current × metric / target), left at `current` while metric / target is
 *   within the tolerance (10%);
 * - the recommendation is stabilised as the HPA does: it scales down only to the highest
 *   recommendation of the scale-down window (300 s), up only to the lowest of the scale-up
 *   window (0 s); then the HPA's default scale-up rate (double, or +4, per 15 s, whichever is
 *   more) and `min`/`max` bound it;
 * - with `min: 0`, KEDA scales 0 → 1 as soon as the metric is above 0, and 1 → 0 once it has
 *   been 0 for its `cooldownPeriod`.
 *
 * Scaling changes membership only through the instances' own join and leave: a new instance
 * starts `scaleUpDelay` after the decision and then joins as a restarted one does (a log
 * consumer joins the group, and the group rebalances; a broker consumer subscribes; SQS pollers
 * start); a removed one leaves cleanly (finishes and settles what it holds, a log consumer
 * sends LeaveGroup). Removal picks an instance still starting first, then one that is down,
 * then the running one with the highest index, as a ReplicaSet deletes pending pods before
 * unready ones before ready ones.
 *
 * Faults see each instance through a `ManagedInstance`: a crash or a deploy's leave acts on it
 * as on any instance, but a fault's restart of an instance the autoscaler has removed does
 * nothing (a deleted pod is not restarted), while the fault's own clock runs on.
 */
import type { Kernel } from '../sim/kernel.js';
import type { Distribution } from '../sim/distributions.js';
import type { Random } from '../sim/rng.js';
import type { CrashPoint } from './consumer-core.js';
import type { Facts } from './facts.js';
import type { FaultTarget } from './faults.js';

/**
 * How a reading compares with the target: `total` is summed over the group (a backlog) and the
 * target is per instance, as the HPA's AverageValue target on an external metric; `average` is
 * per instance already (utilisation), as its Utilization target.
 */
export type ReadingKind = 'total' | 'average';

/** The HPA's scale-up rate limit over the last 15 s: +100% or +4 instances, whichever is more. */
export const SCALE_UP_PERIOD_MS = 15_000;
const SCALE_UP_PERCENT = 100;
const SCALE_UP_PODS = 4;

/**
 * The HPA's recommendation from one reading (replica_calculator.go): the usage ratio is
 * reading / (target × current) for a total, reading / target for an average; within the
 * tolerance of 1 nothing changes, otherwise ceil(ratio × current).
 */
export function recommend(current: number, reading: number, target: number, tolerance: number, kind: ReadingKind): number {
  const ratio = kind === 'total' ? reading / (target * current) : reading / target;
  if (Math.abs(ratio - 1) <= tolerance) return current;
  // For a total, ceil(reading / target) is the same number without the rounding of ratio × current.
  return kind === 'total' ? Math.ceil(reading / target) : Math.ceil(ratio * current);
}

export interface Recommendation {
  tMs: number;
  replicas: number;
}

/**
 * The HPA's stabilisation (stabilizeRecommendationWithBehaviors): the recommendations of the
 * last `downWindowMs` (now included) cap a scale-down at their highest, those of the last
 * `upWindowMs` cap a scale-up at their lowest. A recommendation older than a window by exactly
 * its length is out of it.
 */
export function stabilise(
  past: readonly Recommendation[],
  nowMs: number,
  current: number,
  desired: number,
  upWindowMs: number,
  downWindowMs: number,
): number {
  let up = desired;
  let down = desired;
  for (const r of past) {
    if (r.tMs > nowMs - upWindowMs) up = Math.min(up, r.replicas);
    if (r.tMs > nowMs - downWindowMs) down = Math.max(down, r.replicas);
  }
  return Math.min(Math.max(current, up), down);
}

export interface ScaleChange {
  tMs: number;
  /** Instances added (> 0) or removed (< 0). */
  delta: number;
}

/**
 * The most instances the HPA's default scale-up policies allow now: from the count at the
 * start of the 15 s period, +100% or +4, whichever is more.
 */
export function scaleUpLimit(current: number, changes: readonly ScaleChange[], nowMs: number): number {
  let periodStart = current;
  for (const c of changes) if (c.tMs > nowMs - SCALE_UP_PERIOD_MS) periodStart -= c.delta;
  return Math.max(Math.ceil(periodStart * (1 + SCALE_UP_PERCENT / 100)), periodStart + SCALE_UP_PODS);
}

export interface AutoscaleOptions {
  groupName: string;
  /** The ledger group. */
  group: number;
  metric: string;
  /** The metric now: a total or a per-instance average (`kind`). */
  read(): number;
  kind: ReadingKind;
  target: number;
  min: number;
  max: number;
  /** Instances running at the start. */
  initial: number;
  pollingIntervalMs: number;
  /** Time from the decision to a new instance running. */
  startDelay: Distribution;
  random: Random;
  upWindowMs: number;
  downWindowMs: number;
  tolerance: number;
  /** KEDA's cooldownPeriod: with min 0, the metric is 0 this long before 1 → 0. */
  cooldownMs: number;
  endMs: number;
}

type Status = 'running' | 'starting' | 'stopping' | 'stopped';

/** An instance as the autoscaler manages it and as faults see it. */
export class ManagedInstance implements FaultTarget {
  status: Status;
  /** The fault's hook, called once when the instance next goes down. */
  onCrash: (() => void) | null = null;
  /** Bumped on every decision, so a start the autoscaler changed its mind about does nothing. */
  generation = 0;

  constructor(
    readonly instance: FaultTarget,
    private readonly scaler: Autoscaler,
    running: boolean,
  ) {
    this.status = running ? 'running' : 'stopped';
    instance.onCrash = this.wentDown;
  }

  private readonly wentDown = (): void => {
    this.instance.onCrash = this.wentDown;
    if (this.status === 'stopping') this.scaler.stopped(this);
    const onCrash = this.onCrash;
    this.onCrash = null;
    onCrash?.();
  };

  get name(): string {
    return this.instance.name;
  }

  get alive(): boolean {
    return this.instance.alive;
  }

  get armed(): CrashPoint | null {
    return this.instance.armed;
  }

  set armed(point: CrashPoint | null) {
    this.instance.armed = point;
  }

  get slowdown(): number {
    return this.instance.slowdown;
  }

  set slowdown(factor: number) {
    this.instance.slowdown = factor;
  }

  crash(detail?: string): void {
    this.instance.crash(detail);
  }

  leave(): void {
    this.instance.leave();
  }

  /** A fault's restart: not of an instance the autoscaler removed or has not started yet. */
  restart(): void {
    if (this.status === 'running' || this.status === 'stopping') this.instance.restart();
  }
}

interface Start {
  scaler: Autoscaler;
  managed: ManagedInstance;
  generation: number;
}

export class Autoscaler {
  /** The instances faults act on, in index order. */
  readonly instances: ManagedInstance[];
  /** What the autoscaler last asked for (the HPA's replicas): running and starting instances. */
  replicas: number;
  private readonly past: Recommendation[] = [];
  private readonly changes: ScaleChange[] = [];
  /** KEDA's lastActiveTime: the last poll that read more than 0. */
  private lastActiveMs = 0;
  /** Instances removed or not started yet, and since when that count holds. */
  private retired = 0;
  private retiredSinceMs = 0;
  private retiredMsSoFar = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    instances: FaultTarget[],
    private readonly options: AutoscaleOptions,
  ) {
    this.replicas = options.initial;
    // The HPA seeds its recommendations with the count it found: no scale-down in the first window.
    this.past.push({ tMs: kernel.now, replicas: options.initial });
    this.instances = instances.map((instance, i) => new ManagedInstance(instance, this, i < options.initial));
    // The instances beyond the initial count exist from the start, stopped: down, and retired.
    for (let i = options.initial; i < instances.length; i++) ledger.instanceDown(options.group);
    this.setRetired(instances.length - options.initial);
  }

  start(): void {
    const first = this.options.pollingIntervalMs;
    if (first <= this.options.endMs) this.kernel.at(first, poll, this);
  }

  /** Instances running now (up, whoever started them). */
  get running(): number {
    let n = 0;
    for (const m of this.instances) if (m.alive && m.status !== 'stopping') n++;
    return n;
  }

  /** Instance-ms the autoscaler kept instances out of service (stopped or starting) so far. */
  retiredMs(): number {
    return this.retiredMsSoFar + this.retired * (this.kernel.now - this.retiredSinceMs);
  }

  poll(): void {
    const now = this.kernel.now;
    const next = now + this.options.pollingIntervalMs;
    if (next <= this.options.endMs) this.kernel.at(next, poll, this);
    const reading = this.options.read();
    const desired = this.decide(now, reading);
    if (desired !== this.replicas) this.scaleTo(desired, reading);
  }

  /** The new replica count from a reading at `now` (records the HPA's recommendation). */
  decide(now: number, reading: number): number {
    const o = this.options;
    const current = this.replicas;
    if (reading > 0) this.lastActiveMs = now;
    if (current === 0) return reading > 0 ? Math.max(o.min, 1) : 0; // KEDA's activation
    const floor = Math.max(o.min, 1); // KEDA hands the HPA at least 1
    if (o.min === 0 && reading <= 0 && now - this.lastActiveMs >= o.cooldownMs) return 0;
    const recommended = recommend(current, reading, o.target, o.tolerance, o.kind);
    const past = this.past;
    while (past.length > 0 && past[0].tMs <= now - Math.max(o.upWindowMs, o.downWindowMs)) past.shift();
    const stable = stabilise(past, now, current, recommended, o.upWindowMs, o.downWindowMs);
    past.push({ tMs: now, replicas: recommended });
    const changes = this.changes;
    while (changes.length > 0 && changes[0].tMs <= now - SCALE_UP_PERIOD_MS) changes.shift();
    // convertDesiredReplicasWithBehaviorRate: a scale-up never goes below the current count.
    const ceiling = stable > current ? Math.min(o.max, Math.max(current, scaleUpLimit(current, changes, now))) : o.max;
    return Math.min(Math.max(stable, floor), ceiling);
  }

  private scaleTo(desired: number, reading: number): void {
    const o = this.options;
    const from = this.replicas;
    const why = o.kind === 'total'
      ? `${o.metric} ${round(reading)}, target ${round(o.target)} per instance`
      : `${o.metric} ${round(reading)}, target ${round(o.target)}`;
    this.ledger.mark(desired > from ? 'scale-out' : 'scale-in', o.groupName, `${from} → ${desired}: ${why}`);
    this.changes.push({ tMs: this.kernel.now, delta: desired - from });
    this.replicas = desired;
    if (desired > from) this.add(desired - from);
    else this.remove(from - desired);
  }

  private add(n: number): void {
    // Lowest index first among those stopped (stopping ones are on their way out already).
    for (const managed of this.instances) {
      if (n === 0) return;
      if (managed.status !== 'stopped') continue;
      managed.status = 'starting';
      managed.generation++;
      const delayMs = this.options.startDelay.sample(this.options.random);
      this.kernel.schedule(delayMs, startInstance, { scaler: this, managed, generation: managed.generation });
      n--;
    }
  }

  private remove(n: number): void {
    // Highest index first within each rank.
    const last = [...this.instances].reverse();
    const order = [
      ...last.filter((m) => m.status === 'starting'),
      ...last.filter((m) => m.status === 'running' && !m.alive),
      ...last.filter((m) => m.status === 'running' && m.alive),
    ];
    for (const managed of order.slice(0, n)) this.stop(managed);
  }

  private stop(managed: ManagedInstance): void {
    managed.generation++;
    const was = managed.status;
    if (was === 'starting' || !managed.alive) {
      managed.status = 'stopped';
      // A starting one counted as retired already; a crashed one is retired from now.
      if (was === 'running') this.setRetired(this.retired + 1);
      return;
    }
    managed.status = 'stopping';
    managed.instance.leave(); // goes down once its held work is settled: see stopped()
  }

  /** A stopping instance went down. */
  stopped(managed: ManagedInstance): void {
    managed.status = 'stopped';
    this.setRetired(this.retired + 1);
  }

  started(start: Start): void {
    const { managed, generation } = start;
    if (managed.generation !== generation || managed.status !== 'starting') return;
    managed.status = 'running';
    this.setRetired(this.retired - 1);
    managed.instance.restart();
  }

  private setRetired(count: number): void {
    const now = this.kernel.now;
    this.retiredMsSoFar += this.retired * (now - this.retiredSinceMs);
    this.retiredSinceMs = now;
    this.retired = count;
  }
}

function poll(scaler: Autoscaler): void {
  scaler.poll();
}

function startInstance(start: Start): void {
  start.scaler.started(start);
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
