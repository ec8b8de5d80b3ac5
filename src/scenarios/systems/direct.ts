/**
 * `system.type: direct`: no queue. Producers call the downstream synchronously; the single
 * `consumers[]` entry is the downstream (instances × concurrency handlers, its service time,
 * its faults), so the same scenario runs through a queue or without one unchanged.
 */
import { z } from 'zod';
import { ConsumerInstance } from '../../models/consumer.js';
import { dirname } from 'node:path';
import { Direct, OutageSwitch, scheduleOutage } from '../../models/direct.js';
import { scheduleFaults } from '../../models/faults.js';
import { RANDOM_FAILURE_FIELDS, randomFailures, upDownTimes } from '../fault-times.js';
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
    errorRate: z.number().min(0).max(1).default(0).meta({
      description: 'Probability that the downstream answers an attempt with an error at once (a 5xx; cause error).',
    }),
    outages: z.array(z.union([
      z.strictObject({
        at: duration('When the outage starts.'),
        for: positiveDuration('How long it lasts.'),
      }),
      z.strictObject(RANDOM_FAILURE_FIELDS),
    ], { error: 'expected { at, for } (an outage window) or { mtbf, mttr, from, until } (outages at random)' }))
      .default([]).meta({
        description: 'Downstream outages, at a time (`at`, `for`) or at random (`mtbf`, `mttr`): every call is ' +
          'refused at once (cause unavailable).',
      }),
  }),
  consumerFields: {},
  producerFields: {},
  // Errors and outages refuse calls: no longer the M/M/c shape.
  singleUnboundedQueue: (system) => system.maxQueue === undefined && system.timeout === undefined &&
    system.errorRate === 0 && system.outages.length === 0,
  check({ spec, file }, at, issues) {
    spec.system.outages.forEach((o, i) => {
      if ('mtbf' in o) upDownTimes(o, ['system', 'outages', i], at, issues, dirname(file));
    });
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
        errorRate: system.errorRate,
      },
      rng.stream('system/direct/backoff'),
      rng.stream('system/direct/errors'),
      facts,
    );
    const endMs = spec.duration + spec.drain;
    system.outages.forEach((o, i) => {
      if (!('mtbf' in o)) return scheduleOutage(kernel, downstream, o.at, o.for);
      // Each random outage entry on a stream of its own: system/direct/outages/<i>.
      scheduleFaults(kernel, ledger, [randomFailures([new OutageSwitch(downstream)],
        [rng.stream(`system/direct/outages/${i}`)], o, dirname(scenario.file), endMs)]);
    });
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
