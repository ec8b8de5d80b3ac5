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
 * - slowdown: service times × `factor` from `atMs` for `forMs`.
 */
import type { Kernel } from '../sim/kernel.js';
import type { CrashPoint } from './consumer.js';
import type { Ledger } from '../observe/ledger.js';

/** What a fault acts on: a consumer instance of any system. */
export interface FaultTarget {
  readonly name: string;
  readonly alive: boolean;
  /** A crash waiting for the next message to reach this point. */
  armed: CrashPoint | null;
  /** Service times are multiplied by this. */
  slowdown: number;
  /** Called once when the instance next goes down, crashed or left (a fault schedules the restart). */
  onCrash: (() => void) | null;
  crash(detail?: string): void;
  /** A clean shutdown: finish and acknowledge what it holds, then go. */
  leave(): void;
  restart(): void;
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

export type Fault = CrashFault | SlowdownFault;

export function scheduleFaults(kernel: Kernel, ledger: Ledger, faults: Fault[]): void {
  for (const fault of faults) {
    if (fault.kind === 'slowdown') scheduleSlowdown(kernel, ledger, fault);
    else scheduleCrash(kernel, fault);
  }
}

// One strike is pending at a time, each scheduling the next: a crash loop of a million
// strikes holds one event, not a million.
function scheduleCrash(kernel: Kernel, fault: CrashFault): void {
  if (fault.times > 0) kernel.at(fault.atMs, strike, { kernel, fault, k: 0 });
}

interface Strike {
  kernel: Kernel;
  fault: CrashFault;
  k: number;
}

function strike(next: Strike): void {
  const { kernel, fault } = next;
  if (next.k + 1 < fault.times) kernel.at(fault.atMs + (next.k + 1) * fault.everyMs, strike, { kernel, fault, k: next.k + 1 });
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
    kernel.schedule(restartAfterMs, restart, instance);
    return;
  }
  instance.onCrash = () => kernel.schedule(restartAfterMs, restart, instance);
}

function restart(instance: FaultTarget): void {
  instance.restart();
}

function scheduleSlowdown(kernel: Kernel, ledger: Ledger, fault: SlowdownFault): void {
  kernel.at(fault.atMs, setSlowdown, { ledger, fault, factor: fault.factor });
  kernel.at(fault.atMs + fault.forMs, setSlowdown, { ledger, fault, factor: 1 });
}

interface SlowdownChange {
  ledger: Ledger;
  fault: SlowdownFault;
  factor: number;
}

function setSlowdown({ ledger, fault, factor }: SlowdownChange): void {
  for (const instance of fault.instances) instance.slowdown = factor;
  const names = fault.instances.map((i) => i.name).join(',');
  ledger.mark(factor === 1 ? 'slowdown-end' : 'slowdown-start', names, `x${fault.factor}`);
}
