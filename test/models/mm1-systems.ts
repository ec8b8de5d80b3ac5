/** One M/M/1 scenario written for each system, for the queue-wait tests. */

/** One M/M/1 queue at ρ = 0.9 with a 1 ms mean service: Wq = ρ/(μ − λ) = 9 ms. */
export const MM1_SYSTEMS: Record<string, { system: string; producer: string; consumer: string }> = {
  workqueue: { system: '{ type: workqueue }', producer: '', consumer: '' },
  // Prefetch 10: up to ten messages wait in the consumer's buffer, delivered but not started.
  broker: { system: '{ type: broker, queues: [{ name: g }] }', producer: ', routingKey: g', consumer: ', prefetch: 10' },
  // One partition, batches of up to 500 records: a record waits in the batch it came in.
  log: { system: '{ type: log, topics: [{ name: g, partitions: 1 }] }', producer: '', consumer: '' },
  queue: {
    system: '{ type: queue, queues: [{ name: g, visibilityTimeout: 12h, receiveMessageWaitTime: 20s }] }',
    producer: '',
    consumer: ', batchSize: 10',
  },
  direct: { system: '{ type: direct }', producer: '', consumer: '' },
};

export function mm1(type: string, minutes: number): string {
  const { system, producer, consumer } = MM1_SYSTEMS[type];
  return `
name: mm1-${type}
seed: 11
duration: ${minutes}m
system: ${system}
producers: [{ name: p, rate: 900/s, arrivals: poisson${producer} }]
consumers: [{ group: g, instances: 1, service: "exp(1ms)"${consumer} }]
report: { sampleEvery: 1s }
`;
}
