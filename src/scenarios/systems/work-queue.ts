/** `system.type: workqueue`: one FIFO queue per consumer group, competing consumers. */
import { z } from 'zod';
import { ConsumerInstance, IdempotencyStore } from '../../models/consumer.js';
import { WorkQueue } from '../../models/work-queue.js';
import { count } from '../fields.js';
import type { SystemPlugin } from './plugin.js';

export const workQueue: SystemPlugin = {
  type: 'workqueue',
  schema: z.strictObject({
    type: z.literal('workqueue').meta({
      description: 'One FIFO queue per consumer group, with competing consumers.',
    }),
    maxLength: count('Ready messages a queue holds; publishes beyond it are rejected.').optional(),
  }),
  consumerFields: {},
  producerFields: {},
  wire({ kernel, ledger, rng, scenario, groups }) {
    const { spec } = scenario;
    const maxLength = (spec.system.maxLength as number | undefined) ?? Infinity;
    const system = new WorkQueue(ledger, { maxLength });
    const instances = spec.consumers.map((consumer, c) => {
      const group = groups[c];
      system.addGroup(group, consumer.group);
      const store = consumer.delivery === 'effectively-once' ? new IdempotencyStore() : null;
      return Array.from({ length: consumer.instances }, (_, index) => {
        const instance = new ConsumerInstance(kernel, ledger, system, {
          group,
          groupName: consumer.group,
          index,
          concurrency: consumer.concurrency,
          service: scenario.services[c],
          guarantee: consumer.delivery,
          random: rng.stream(`consumer/${consumer.group}/${index}/service`),
          store,
        });
        system.attach(group, instance);
        return instance;
      });
    });
    return { system, instances, gauges: system.gauges() };
  },
};
