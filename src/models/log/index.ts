/** The log model (Kafka-like): see log-system.ts for the whole, the other files for the parts. */
export { murmur2, partitionForKey, toPositive } from './murmur2.js';
export { KeyPartitionCache, Partitioner, NULL_KEY_PARTITIONERS, type NullKeyPartitioner } from './partitioner.js';
export { Partition, type RetentionConfig } from './partition.js';
export {
  assign,
  cooperativeFirstRound,
  ASSIGNMENT_STRATEGIES,
  type AssignmentStrategy,
  type TopicPartition,
} from './assignors.js';
export { LogGroup, Member, OFFSET_RESETS, type LogGroupConfig, type OffsetReset } from './group-coordinator.js';
export { LogConsumer, COMMIT_EVERY, type CommitEvery, type LogConsumerOptions } from './log-consumer.js';
export { LogSystem, replayOffset, type BrokerFault, type ReplayTarget, type TopicConfig } from './log-system.js';
export { LogProducerClient, type Acks, type LogProducerConfig } from './log-producer.js';
export { BrokerNode, Cluster, ReplicaSet, placeReplicas, type ClusterConfig } from './replication.js';
