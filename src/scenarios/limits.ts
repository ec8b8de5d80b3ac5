/**
 * Bounds on scenario input. A file that passes them can be parsed and validated in well under
 * a second and a few MB; what a run of it costs is estimated separately (cost.ts). The bounds
 * sit far above any real deployment (Kafka advises at most ~200,000 partitions per cluster),
 * so they only stop mistakes and hostile input.
 */
export const LIMITS = {
  /** Bytes of a scenario file. */
  sourceBytes: 10 * 1024 * 1024,
  /** YAML nodes once aliases are expanded (an alias bomb expands to billions). */
  expandedNodes: 2_000_000,
  /** Characters of a name (names become folder names: reports/<name>-compare/). */
  name: 100,
  /** Any count without a tighter bound of its own. */
  count: 1_000_000_000,
  /** producers[] and consumers[] entries, topics and queues of a system. */
  entities: 1000,
  /** faults[] entries and other event lists. */
  events: 10_000,
  /** Consumer instances per group, and handlers per instance. */
  instances: 10_000,
  /** Partitions of a topic. */
  partitions: 100_000,
  /** Brokers of a log cluster, virtual servers of a managed queue. */
  servers: 1000,
  /** Distinct keys of a `keys: { count }` space. */
  keys: 10_000_000,
  /** Occurrences of one producer's phases (a repeated phase counts each time). */
  phaseOccurrences: 100_000,
} as const;
