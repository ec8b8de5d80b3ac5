/**
 * Faults (a "nemesis", in Jepsen's words): a schedule of crashes and slowdowns applied to
 * consumer instances. Faults are data: each is a plain options object, and every one is off
 * unless the scenario lists it, so a fault-free scenario reads as the ideal system.
 *
 * - crash at a time: the instance dies at `atMs`, whatever it holds;
 * - crash at a lifecycle point: from `atMs` on, the instance dies when its next message reaches
 *   the point (after-process-before-ack, after-ack-before-process, mid-process);
 * - leave at a time: a clean shutdown (a rolling deploy): the instance takes no new work,
 *   finishes and acknowledges what it holds, then goes (a log consumer sends LeaveGroup);
 * - all three repeat `times` times, `everyMs` apart, and restart after `restartAfterMs`;
 * - slowdown: service times × `factor` from `atMs` for `forMs`;
 * - random crash: each instance on its own stream stays up for an `mtbf` draw, crashes (at a
 *   point drawn by weight), and restarts after an `mttr` draw, over and over: an alternating
 *   renewal process whose long-run availability is E[mtbf] / (E[mtbf] + E[mttr]).
 *
 * Same instant: a fault at time t takes effect before any handling starts at t. Every fault
 * event (a crash, an armed crash point, a leave, a slowdown's start and end, a restart) runs in
 * the kernel's URGENT lane, so a slowdown at 0 s slows the backlog handed out at 0 s, and a
 * crash at t strikes before a message delivered at t is handled (docs/semantics.md).
 */
import { URGENT, type Kernel } from '../sim/kernel.js';
import type { CrashPoint } from './consumer-core.js';
import type { Facts } from './facts.js';
import type { Distribution } from '../sim/distributions.js';
import type { Random } from '../sim/rng.js';

/** What a random crash acts on: a consumer instance, or a log broker. */
export interface Crashable {
  readonly alive: boolean;
  /** A crash waiting for the next message to reach this point (a broker has none). */
  armed: CrashPoint | null;
  /** Called once when it next goes down (a fault schedules the restart). */
  onCrash: (() => void) | null;
  crash(detail?: string): void;
  restart(): void;
}

/** What a fault acts on: a consumer instance of any system. */
export interface FaultTarget extends Crashable {
  readonly name: string;
  /** Service times are multiplied by this. */
  slowdown: number;
  /** A clean shutdown: finish and acknowledge what it holds, then go. */
  leave(): void;
}

export interface CrashFault {
  /** crash: die at once (or at `point`); leave: shut down cleanly. */
  kind: 'crash' | 'leave';
  instances: FaultTarget[];
  atMs: number;
  /** Null: crash at `atMs`. Otherwise: arm at `atMs`, crash at the point. Null for leave. */
  point: CrashPoint | null;
  /** Null: stay down. */
  restartAfterMs: number | null;
  /** Repetitions; 1 for a single crash. */
  times: number;
  everyMs: number;
}

export interface SlowdownFault {
  kind: 'slowdown';
  instances: FaultTarget[];
  atMs: number;
  forMs: number;
  factor: number;
}

/** Where a random crash strikes: `at-time` kills the instance wherever it is. */
export type RandomCrashPoint = CrashPoint | 'at-time';

export interface RandomCrashFault {
  kind: 'random-crash';
  instances: Crashable[];
  /** One stream per instance, so instances fail independently and reproducibly. */
  randoms: Random[];
  /** Up time before each crash. */
  mtbf: Distribution;
  /** Down time before each restart. */
  mttr: Distribution;
  /** The points a crash may strike at, with weights (any positive numbers). */
  points: { point: RandomCrashPoint; weight: number }[];
  /** No crash strikes outside [fromMs, untilMs]; restarts still happen. */
  fromMs: number;
  untilMs: number;
}

export type Fault = CrashFault | SlowdownFault | RandomCrashFault;

export function scheduleFaults(kernel: Kernel, ledger: Facts, faults: Fault[]): void {
  for (const fault of faults) {
    if (fault.kind === 'slowdown') scheduleSlowdown(kernel, ledger, fault);
    else if (fault.kind === 'random-crash') scheduleRandomCrashes(kernel, fault);
    else scheduleCrash(kernel, fault);
  }
}

// One strike is pending at a time, each scheduling the next: a crash loop of a million
// strikes holds one event, not a million.
function scheduleCrash(kernel: Kernel, fault: CrashFault): void {
  if (fault.times > 0) kernel.at(fault.atMs, strike, { kernel, fault, k: 0 }, URGENT);
}

interface Strike {
  kernel: Kernel;
  fault: CrashFault;
  k: number;
}

function strike(next: Strike): void {
  const { kernel, fault } = next;
  if (next.k + 1 < fault.times) {
    kernel.at(fault.atMs + (next.k + 1) * fault.everyMs, strike, { kernel, fault, k: next.k + 1 }, URGENT);
  }
  for (const instance of fault.instances) {
    if (!instance.alive) continue; // already down: a crash loop does not stack
    if (fault.kind === 'leave') instance.leave();
    else if (fault.point === null) instance.crash('at time');
    else instance.armed = fault.point;
    if (fault.restartAfterMs !== null) watchForRestart(kernel, instance, fault.restartAfterMs);
  }
}

/** Restarts `restartAfterMs` after the instance goes down, whenever that happens. */
function watchForRestart(kernel: Kernel, instance: FaultTarget, restartAfterMs: number): void {
  if (!instance.alive) {
    kernel.schedule(restartAfterMs, restart, instance, URGENT);
    return;
  }
  instance.onCrash = () => kernel.schedule(restartAfterMs, restart, instance, URGENT);
}

function restart(instance: FaultTarget): void {
  instance.restart();
}

function scheduleSlowdown(kernel: Kernel, ledger: Facts, fault: SlowdownFault): void {
  kernel.at(fault.atMs, setSlowdown, { ledger, fault, factor: fault.factor }, URGENT);
  kernel.at(fault.atMs + fault.forMs, setSlowdown, { ledger, fault, factor: 1 }, URGENT);
}

interface SlowdownChange {
  ledger: Facts;
  fault: SlowdownFault;
  factor: number;
}

function setSlowdown({ ledger, fault, factor }: SlowdownChange): void {
  for (const instance of fault.instances) instance.slowdown = factor;
  const names = fault.instances.map((i) => i.name).join(',');
  ledger.mark(factor === 1 ? 'slowdown-end' : 'slowdown-start', names, `x${fault.factor}`);
}

/** One instance's life under a random-crash fault. */
interface Life {
  kernel: Kernel;
  fault: RandomCrashFault;
  instance: Crashable;
  random: Random;
}

function scheduleRandomCrashes(kernel: Kernel, fault: RandomCrashFault): void {
  fault.instances.forEach((instance, i) => {
    const life: Life = { kernel, fault, instance, random: fault.randoms[i] };
    nextFailure(life, fault.fromMs);
  });
}

function nextFailure(life: Life, upSinceMs: number): void {
  const atMs = upSinceMs + life.fault.mtbf.sample(life.random);
  if (atMs <= life.fault.untilMs) life.kernel.at(atMs, fail, life, URGENT);
}

function fail(life: Life): void {
  const { kernel, fault, instance, random } = life;
  const point = pickPoint(fault.points, random);
  // Down already (another fault, or a leave): this failure has nothing to strike; the next
  // one is an up time away.
  if (!instance.alive) return nextFailure(life, kernel.now);
  instance.onCrash = () => kernel.schedule(fault.mttr.sample(random), recover, life, URGENT);
  if (point === 'at-time') instance.crash('random');
  else instance.armed = point;
}

function recover(life: Life): void {
  life.instance.restart();
  nextFailure(life, life.kernel.now);
}

function pickPoint(points: RandomCrashFault['points'], random: Random): RandomCrashPoint {
  if (points.length === 1) return points[0].point;
  const total = points.reduce((sum, p) => sum + p.weight, 0);
  let u = random() * total;
  for (const p of points) {
    u -= p.weight;
    if (u < 0) return p.point;
  }
  return points[points.length - 1].point;
}
