/**
 * The log's own figures: per partition, records, log start, the largest lag of any group, its
 * owners and replicas at the end; per group, the members' assignments at the end. The model
 * reports each partition's lag as it appends (LogFacts); the figures are folded here.
 */
import type { LogFacts, LogSystem } from '../../models/log/log-system.js';
import type { LogGroup } from '../../models/log/group-coordinator.js';

/** One partition of a log at the end of a run. */
export interface PartitionSummary {
  /** Records appended (the log-end offset). */
  records: number;
  /** First offset still retained. */
  logStartOffset: number;
  /** Largest lag of any group (log end − committed offset), seen at an append. */
  maxLag: number;
  /** Group → the member id owning the partition at the end, or null when unowned. */
  owners: Record<string, string | null>;
  /** The leader's broker at the end, null while the partition is offline. */
  leader: number | null;
  /** Brokers of the in-sync replicas at the end. */
  isr: number[];
}

/** What a log adds to result.json's summary. */
export interface LogSummaryPart {
  /** Figures per partition (`<topic>-<p>`). */
  partitions: Record<string, PartitionSummary>;
  /** Group → member id → its partitions at the end of the run. */
  assignments: Record<string, Record<string, string[]>>;
}

/** The largest lag of any group per global partition, from the lags reported at appends. */
export class PartitionLagMeter implements LogFacts {
  private readonly maxLag: Float64Array;

  constructor(partitions: number) {
    this.maxLag = new Float64Array(partitions);
  }

  lagAtAppend(partition: number, lag: number): void {
    if (lag > this.maxLag[partition]) this.maxLag[partition] = lag;
  }

  /** The log's figures at the end of the run. */
  figures(log: LogSystem, groups: readonly LogGroup[]): LogSummaryPart {
    const partitions: Record<string, PartitionSummary> = {};
    for (const partition of log.activePartitions()) {
      const owners: Record<string, string | null> = {};
      for (const group of log.groups) {
        if (!group.subscribed.includes(partition.global)) continue;
        owners[group.config.name] = group.owner[partition.global]?.id ?? null;
      }
      const rs = log.cluster.replicas[partition.global];
      partitions[partition.name] = {
        records: partition.logEndOffset,
        logStartOffset: partition.logStartOffset,
        maxLag: this.maxLag[partition.global],
        owners,
        leader: rs.leader >= 0 ? rs.brokers[rs.leader] : null,
        isr: rs.brokers.filter((_, k) => rs.inSync[k]),
      };
    }
    const assignments = Object.fromEntries(groups.map((g) => [g.config.name,
      Object.fromEntries(g.members.map((m) => [m.id, m.assigned.map((p) => log.partitions[p].name)]))]));
    return { partitions, assignments };
  }
}
