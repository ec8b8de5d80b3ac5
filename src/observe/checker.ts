/**
 * The checker: turns the ledger's folded state into the per-group summary of the result
 * contract. A pure read of the ledger; it never looks at model internals.
 */
import type { GroupState, Ledger } from './ledger.js';
import type { Anomaly, GroupSummary, Summary } from './result.js';
import { sorted } from './sorted.js';

/** A consumer group as configured: its instances and each one's handlers. */
export interface Fleet {
  instances: number;
  concurrency: number;
  /** When the instances came up (`startAt`); before it they do not exist, up or down. */
  startAt?: number;
  /** Instance-ms an autoscaler kept instances out of service (stopped or starting): not capacity. */
  retiredMs?: number;
}

/**
 * `fleets[g]`: what group g was configured with. The instances' time in service (instances ×
 * the run from `startAt`, less what an autoscaler kept out) is what availability divides by,
 * and × concurrency what utilisation does. Instance-seconds count the time instances were up.
 */
export function summarize(ledger: Ledger, simulatedMs: number, events: number, fleets: readonly Fleet[]): Summary {
  const groups: Record<string, GroupSummary> = {};
  ledger.groups.forEach((group, g) => {
    const fleet = fleets[g] ?? { instances: 0, concurrency: 0 };
    const lifeMs = Math.max(0, simulatedMs - (fleet.startAt ?? 0));
    const instanceMs = fleet.instances * lifeMs - (fleet.retiredMs ?? 0);
    const handlerMs = instanceMs * fleet.concurrency;
    // Retired instances are down too: what the ledger counts down includes them.
    const upMs = fleet.instances * lifeMs - ledger.downtimeMs(g);
    groups[group.name] = {
      ...summarizeGroup(ledger, group, g, handlerMs > 0 ? group.busyMs / handlerMs : null),
      availability: instanceMs > 0 ? upMs / instanceMs : null,
      instanceSeconds: upMs / 1000,
    };
  });
  return {
    produced: ledger.produced,
    accepted: ledger.accepted,
    rejected: ledger.rejected,
    rejectedByCause: sorted(ledger.rejectedByCause),
    awaitingAck: ledger.produced - ledger.accepted - ledger.rejected,
    duplicateAppends: ledger.duplicateAppends,
    simulatedMs,
    events,
    groups,
  };
}

function summarizeGroup(
  ledger: Ledger,
  group: GroupState,
  g: number,
  utilisation: number | null,
): Omit<GroupSummary, 'availability' | 'instanceSeconds'> {
  const lossesByCause = sorted(group.losses);
  const deadLetteredByReason = sorted(group.deadLetters);
  // The oldest message still waiting at the end may be the oldest ever seen.
  const maxOldestAgeMs = Math.max(group.maxOldestAgeMs, ledger.oldestAgeMs(g));
  return {
    deliveries: group.deliveries,
    processed: group.processed,
    duplicates: group.duplicates,
    duplicatesSuppressed: group.duplicatesSuppressed,
    redeliveries: group.redeliveries,
    replayed: group.replayed,
    failures: group.failures,
    losses: { total: total(lossesByCause), byCause: lossesByCause },
    deadLettered: total(deadLetteredByReason),
    deadLetteredByReason,
    backlogAtEnd: group.lag,
    orderingViolations: group.orderingViolations,
    maxLag: group.maxLag,
    maxOldestAgeMs,
    latencyMs: group.latency.summary(),
    ...phaseLatency(ledger, group),
    queueWaitMs: group.queueWait.summary(),
    waited: group.waited,
    utilisation,
    recoveryMs: recovery(group),
  };
}

/** Latency per load phase, when the run had phases; a phase no message of the group was produced in is left out. */
function phaseLatency(ledger: Ledger, group: GroupState): Pick<GroupSummary, 'latencyByPhaseMs'> {
  const names = ledger.phaseLatencyNames().filter((name) => group.phaseLatency.has(name));
  if (names.length === 0) return {};
  return { latencyByPhaseMs: Object.fromEntries(names.map((name) => [name, group.phaseLatency.get(name)!.summary()])) };
}

/** A phase whose lag has not come back by the end of the run never recovered: null. */
function recovery(group: GroupState): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [phase, ms] of group.recoveryMs) out[phase] = ms;
  for (const r of group.recoveries) if (!Number.isNaN(r.endMs)) out[r.phase] = null;
  return out;
}

export function anomalies(ledger: Ledger): Record<string, Anomaly[]> {
  const out: Record<string, Anomaly[]> = {};
  for (const group of ledger.groups) out[group.name] = group.anomalies;
  return out;
}


function total(byCause: Record<string, number>): number {
  return Object.values(byCause).reduce((sum, n) => sum + n, 0);
}
