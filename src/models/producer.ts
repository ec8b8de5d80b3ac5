/**
 * Producers: arrivals that follow a rate profile (a baseline plus named load phases), each
 * message carrying a key from the producer's key space.
 *
 * Arrival times come from inverting the integrated rate exactly: Poisson arrivals advance by
 * an Exp(1) amount of expected arrivals, evenly spaced ones by exactly 1. A ramp is therefore
 * exact, not stepped once a second. Arrivals and keys draw from their own named streams, so
 * adding a consumer or a fault never changes a producer's traffic (common random numbers).
 */
import type { Kernel } from '../sim/kernel.js';
import type { RateProfile } from '../sim/rate-profile.js';
import type { Random } from '../sim/rng.js';
import { NO_KEY, type Facts } from './facts.js';
import type { KeyChooser } from './keys.js';
import type { System } from './system.js';

export type ArrivalMode = 'poisson' | 'uniform';

/** A named span of the load profile, marked on the timeline and watched for recovery. */
export interface PhaseWindow {
  name: string;
  startMs: number;
  endMs: number;
}

export interface ProducerOptions {
  index: number;
  name: string;
  profile: RateProfile;
  arrivals: ArrivalMode;
  phases: PhaseWindow[];
  /** Stream for arrival times. */
  arrivalRandom: Random;
  /** Stream for keys; null with no keys. */
  keyRandom: Random | null;
  keys: KeyChooser | null;
}

export class Producer {
  constructor(
    private readonly kernel: Kernel,
    private readonly ledger: Facts,
    private readonly system: System,
    private readonly options: ProducerOptions,
  ) {}

  start(): void {
    for (const phase of this.options.phases) {
      this.kernel.at(phase.startMs, startPhase, { ledger: this.ledger, phase });
      this.kernel.at(phase.endMs, endPhase, { ledger: this.ledger, phase });
    }
    this.scheduleNext(this.kernel.now);
  }

  /** Sends one message, then schedules the next arrival. */
  arrive(): void {
    const { index, keys, keyRandom } = this.options;
    const key = keys === null || keyRandom === null ? NO_KEY : keys(keyRandom);
    const id = this.ledger.produce(index, key);
    this.system.publish(index, id);
    this.scheduleNext(this.kernel.now);
  }

  private scheduleNext(from: number): void {
    const { profile, arrivals, arrivalRandom } = this.options;
    const area = arrivals === 'poisson' ? -Math.log(1 - arrivalRandom()) : 1;
    const next = profile.advance(from, area);
    if (next < profile.endMs) this.kernel.at(next, arrive, this);
  }
}

function arrive(producer: Producer): void {
  producer.arrive();
}

interface PhaseEvent {
  ledger: Facts;
  phase: PhaseWindow;
}

function startPhase({ ledger, phase }: PhaseEvent): void {
  ledger.phaseStart(phase.name);
  ledger.mark('phase-start', phase.name);
}

function endPhase({ ledger, phase }: PhaseEvent): void {
  ledger.phaseEnd(phase.name);
  ledger.mark('phase-end', phase.name);
}
