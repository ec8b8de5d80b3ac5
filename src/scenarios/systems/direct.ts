/**
 * `system.type: direct`: no queue. Producers call the downstream synchronously; the single
 * `consumers[]` entry is the downstream (instances × concurrency handlers, its service time,
 * its faults), so the same scenario runs through a queue or without one unchanged.
 */
import { z } from 'zod';
import { ConsumerInstance } from '../../models/consumer.js';
import { Direct } from '../../models/direct.js';
import { duration, positiveDuration } from '../fields.js';
import { definePlugin } from './plugin.js';
import { DirectFacts } from '../../observe/systems/direct.js';

export const direct = definePlugin({
  type: 'direct',
  schema: z.strictObject({
    type: z.literal('direct').meta({
      description: 'No queue: producers call the downstream (the consumer group) synchronously.',
    }),
    timeout: positiveDuration('Caller timeout per attempt; omit for none.').optional(),
    maxQueue: z.number().int().min(0).optional().meta({
      description: 'Callers that may wait for a free handler; 0 for none; omit for no limit.',
    }),
    retries: z.number().int().min(0).default(0).meta({
      description: 'Retries of a failed call (timeout, queue full, crash, error); they add load.',
    }),
    backoff: duration('First retry backoff; doubles per retry, with full jitter.').default(100),
    maxBackoff: positiveDuration('Cap of the retry backoff.').default(10_000),
  }),
  consumerFields: {},
  producerFields: {},
  singleUnboundedQueue: (system) => system.maxQueue === undefined && system.timeout === undefined,
  check({ spec }, at, issues) {
    if (spec.consumers.length !== 1) {
      issues.push(at(['consumers'], `a direct system calls one downstream: give exactly one consumers[] entry ` +
        `(found ${spec.consumers.length})`));
    }
    spec.faults.forEach((fault, i) => {
      if (fault.kind === 'crash' && fault.point === 'after-ack-before-process') {
        issues.push(at(['faults', i, 'point'], 'a direct call has no ack before processing; use mid-process'));
      }
    });
  },
  wire({ kernel, ledger, rng, scenario, groups, instanceOptions }) {
    const { spec } = scenario;
    const system = spec.system;
    const facts = new DirectFacts(() => kernel.now, scenario.plans.flatMap((plan) => plan.phases));
    const downstream = new Direct(
      kernel,
      ledger,
      groups[0],
      {
        timeoutMs: system.timeout ?? Infinity,
        maxQueue: system.maxQueue ?? Infinity,
        retries: system.retries,
        backoffMs: system.backoff,
        maxBackoffMs: system.maxBackoff,
      },
      rng.stream('system/direct/backoff'),
      facts,
    );
    const consumer = spec.consumers[0];
    const instances = Array.from({ length: consumer.instances }, (_, index) => {
      const instance = new ConsumerInstance(kernel, ledger, downstream, instanceOptions(0, index));
      downstream.attach(instance);
      return instance;
    });
    return {
      system: downstream,
      instances: [instances],
      gauges: downstream.gauges(),
      figures: (result) => ({
        direct: facts.figures(result.series.utilisation, result.series.waiting),
        charts: [
          ...(result.charts ?? []),
          {
            name: 'downstream',
            title: 'Downstream: busy handlers and waiting callers',
            yLabel: 'calls',
            metrics: ['busy', 'waiting'],
          },
        ],
      }),
    };
  },
});
