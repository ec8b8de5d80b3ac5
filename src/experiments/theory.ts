/**
 * Queueing theory for sweeps: where a scenario has the M/M/c shape (one producer with Poisson
 * arrivals at a constant rate, one consumer group with exponential service on a single queue,
 * no faults, nothing rejected), Erlang C predicts the mean wait and the mean end-to-end
 * latency at each point, and the sweep chart draws the prediction beside the simulation.
 */
import type { Scenario } from '../scenarios/scenario.js';
import { systemPlugin } from '../scenarios/systems/index.js';

export interface MmcPrediction {
  /** Handlers: instances × concurrency. */
  c: number;
  /** Offered load a = λ/μ. */
  offered: number;
  /** Mean wait in queue (Erlang C), ms; null when the queue is unstable (a ≥ c). */
  meanQueueWaitMs: number | null;
  /** Mean wait + mean service, ms; null when unstable. */
  meanLatencyMs: number | null;
  /** P(wait), Erlang C; null when unstable. */
  waitedRatio: number | null;
  /** a / c, capped at 1 (an unstable queue keeps every handler busy). */
  utilisation: number;
}

/** The figures Erlang C predicts, by the name sweep figures end with. */
export const PREDICTED_FIGURES = ['meanQueueWaitMs', 'meanLatencyMs', 'waitedRatio', 'utilisation'] as const;

/** Erlang C: the probability that an arrival waits, for c servers at offered load a < c. */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / c) * (c / (c - a));
  return top / (sum + top);
}

/** The M/M/c prediction for a scenario, or null when it does not have that shape. */
export function mmcPrediction(scenario: Scenario): MmcPrediction | null {
  const { spec } = scenario;
  if (spec.producers.length !== 1 || spec.consumers.length !== 1 || spec.faults.length > 0) return null;
  const producer = spec.producers[0];
  // A stationary Poisson stream only: no phases, no daily cycle, no trace.
  const lambdaPerMs = producer.rate;
  if (producer.arrivals !== 'poisson' || producer.phases.length > 0) return null;
  if (lambdaPerMs === undefined || producer.diurnal !== undefined) return null;
  const service = scenario.services[0];
  if (service.kind !== 'exp') return null;
  if (!systemPlugin(spec.system.type).singleUnboundedQueue(spec.system)) return null;
  const consumer = spec.consumers[0];
  // Instances at their own speeds, or up only from some time on, are not c equal servers.
  if (consumer.speed !== undefined || consumer.startAt !== undefined) return null;
  const c = consumer.instances * consumer.concurrency;
  const offered = lambdaPerMs * service.mean;
  const utilisation = Math.min(1, offered / c);
  if (offered >= c) return { c, offered, meanQueueWaitMs: null, meanLatencyMs: null, waitedRatio: null, utilisation };
  const waitedRatio = erlangC(c, offered);
  const wait = waitedRatio / (c / service.mean - lambdaPerMs);
  return { c, offered, meanQueueWaitMs: wait, meanLatencyMs: wait + service.mean, waitedRatio, utilisation };
}
