/**
 * The direct system's own figures: failed attempts by cause, calls that finally failed during
 * each load phase, and the downstream's load. The model reports each failure as it happens
 * (CallFacts); the figures are folded here, from those facts and the sampled gauges.
 */
import type { CallFacts, CallFailure } from '../../models/direct.js';
import { sorted } from '../sorted.js';

/** Direct calls: failed attempts, failures per phase, utilisation. */
export interface DirectFigures {
  /** Failed attempts by cause, retried ones included (`summary.rejectedByCause` counts calls). */
  failedAttemptsByCause: Record<string, number>;
  /** Calls that finally failed while each load phase ran, by phase name. */
  failedDuringPhase: Record<string, number>;
  /** Mean of the sampled downstream utilisation (busy handlers / handlers). */
  meanUtilisation: number;
  maxUtilisation: number;
  /** Most callers seen waiting for a handler at a sample. */
  maxWaiting: number;
}

/** The direct system's part of result.json. */
export interface DirectPart {
  direct: DirectFigures;
}

/** A load phase's span: its failed calls are counted apart (the loss at the peak). */
export interface PhaseWindow {
  name: string;
  startMs: number;
  endMs: number;
}

/** A sampled series by subject, as result.series holds one. */
type Sampled = Record<string, (number | null)[]> | number[] | undefined;

export class DirectFacts implements CallFacts {
  private readonly attempts = new Map<CallFailure, number>();
  private readonly inWindow: number[];

  constructor(
    private readonly now: () => number,
    private readonly windows: readonly PhaseWindow[],
  ) {
    this.inWindow = windows.map(() => 0);
  }

  attemptFailed(cause: CallFailure): void {
    this.attempts.set(cause, (this.attempts.get(cause) ?? 0) + 1);
  }

  callFailed(): void {
    const now = this.now();
    const windows = this.windows;
    for (let i = 0; i < windows.length; i++) {
      if (now >= windows[i].startMs && now < windows[i].endMs) this.inWindow[i]++;
    }
  }

  /** The figures, with the downstream's `utilisation` and `waiting` series as sampled. */
  figures(utilisationSeries: Sampled, waitingSeries: Sampled): DirectFigures {
    const failedDuringPhase: Record<string, number> = {};
    // Repeated phases (bursts) add up under their name.
    this.windows.forEach((w, i) => {
      failedDuringPhase[w.name] = (failedDuringPhase[w.name] ?? 0) + this.inWindow[i];
    });
    const figures: DirectFigures = {
      failedAttemptsByCause: sorted(this.attempts),
      failedDuringPhase,
      meanUtilisation: 0,
      maxUtilisation: 0,
      maxWaiting: 0,
    };
    const utilisation = downstream(utilisationSeries);
    const waiting = downstream(waitingSeries);
    if (utilisation.length > 0) {
      figures.meanUtilisation = utilisation.reduce((s, u) => s + u, 0) / utilisation.length;
      figures.maxUtilisation = Math.max(...utilisation);
    }
    if (waiting.length > 0) figures.maxWaiting = Math.max(...waiting);
    return figures;
  }
}

function downstream(metric: Sampled): number[] {
  if (metric === undefined || Array.isArray(metric)) return [];
  return (metric.downstream ?? []).filter((v): v is number => v !== null);
}
