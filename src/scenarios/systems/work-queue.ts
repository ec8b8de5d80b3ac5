/** `system.type: workqueue`: one FIFO queue per consumer group, competing consumers. */
import { z } from 'zod';
import { ConsumerInstance } from '../../models/consumer.js';
import { WorkQueue } from '../../models/work-queue.js';
import { count } from '../fields.js';
import { definePlugin } from './plugin.js';

export const workQueue = definePlugin({
  type: 'workqueue',
  schema: z.strictObject({
    type: z.literal('workqueue').meta({
      description: 'One FIFO queue per consumer group, with competing consumers.',
    }),
    maxLength: count('Ready messages a queue holds; publishes beyond it are rejected.').optional(),
  }),
  consumerFields: {},
  producerFields: {},
  scaleMetrics: ['ready'],
  singleUnboundedQueue: (system) => system.maxLength === undefined,
  check({ spec }, at, issues) {
    // Its queues are its consumer groups: without one, nothing would hold a message.
    if (spec.consumers.length === 0) issues.push(at(['consumers'], 'a work queue has one queue per consumer group: give at least one'));
  },
  wire({ kernel, ledger, scenario, groups, instanceOptions }) {
    const { spec } = scenario;
    const maxLength = spec.system.maxLength ?? Infinity;
    const system = new WorkQueue(ledger, { maxLength });
    const instances = spec.consumers.map((consumer, c) => {
      const group = groups[c];
      system.addGroup(group, consumer.group);
      return Array.from({ length: consumer.instances }, (_, index) => {
        const instance = new ConsumerInstance(kernel, ledger, system.port(group), instanceOptions(c, index));
        system.attach(group, instance);
        return instance;
      });
    });
    return { system, instances, gauges: system.gauges(), scaleMetric: (c) => system.readyOf(groups[c]) };
  },
});
