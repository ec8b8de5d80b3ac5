/**
 * The scenario schema (zod): structure, defaults and unit parsing in one place. The validator,
 * the TypeScript types and the published JSON Schema (`queuesim schema`) all come from it, so
 * they cannot drift apart.
 *
 * This file holds what every system shares and names no system: scenario-schema.ts adds each
 * plugin's `system:` block and settings, so the plugins can use the types here without a cycle.
 *
 * Values with units are written as users write them (`250ms`, `5000/s`, `1KB`,
 * `lognormal(mean=20ms, p99=200ms)`) and parsed here by the kernel's strict parsers.
 */
import { z } from 'zod';
import { parseMultiplier } from './units.js';
import { bounded, bytes, clockTime, count, duration, name, parsed, positiveDuration, rate, rateOrMultiple } from './fields.js';
import { LIMITS } from './limits.js';
export type { RateOrMultiple } from './fields.js';
import { CRASH_POINTS, GUARANTEES, ON_ERROR } from '../models/consumer.js';
import type { KeySkew } from '../models/keys.js';

const Phase = z
  .strictObject({
    name: z.string().min(1).optional().meta({
      description: 'Shown on charts and the timeline; recovery time is reported per name.',
    }),
    at: duration('When the phase starts. Default: when the previous phase ends (or at 0).').optional(),
    duration: positiveDuration('How long the phase lasts.'),
    rate: rate('A constant rate for the phase.').optional(),
    spike: rateOrMultiple('A spike: a multiple of the baseline (50x) or a rate.').optional(),
    ramp: z
      .strictObject({
        from: rateOrMultiple('Start rate; default the baseline.').optional(),
        to: rateOrMultiple('End rate.'),
      })
      .optional()
      .meta({ description: 'A linear ramp from one rate to another over the phase.' }),
    pause: z.literal(true).optional().meta({ description: 'No arrivals during the phase.' }),
    every: positiveDuration('Repeat the phase this often (bursts).').optional(),
    count: count('How many times the phase happens; needs `every`.', LIMITS.phaseOccurrences).optional(),
  })
  .superRefine((phase, ctx) => {
    const shapes = (['rate', 'spike', 'ramp', 'pause'] as const).filter((k) => phase[k] !== undefined);
    if (shapes.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          shapes.length === 0
            ? 'a phase needs one of rate, spike, ramp or pause'
            : `a phase takes one of rate, spike, ramp or pause, not ${shapes.join(' and ')}`,
      });
    }
    if ((phase.every === undefined) !== (phase.count === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'repeated phases need both `every` and `count`' });
    }
    if (phase.every !== undefined && phase.every < phase.duration) {
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: 'a repeated phase must not overlap itself: `every` must be at least `duration`',
      });
    }
  });

const KEY_SOURCES = ['count', 'values', 'csv'] as const;

const Keys = z
  .strictObject({
    count: count('How many distinct keys, named prefix0, prefix1, ….', LIMITS.keys).optional(),
    prefix: z.string().optional().meta({
      description: 'With count: key names are prefix0, prefix1, … (default key-).',
    }),
    values: z.array(z.string()).min(1).optional().meta({
      description: 'The key space as a list of names, used as given ("" is a key too, as in Kafka); drawn with `skew`.',
    }),
    csv: z.string().min(1).optional().meta({
      description:
        'A CSV file with a header row, relative to the scenario file: the column is replayed ' +
        'in row order, message i carrying row i mod rows (an empty cell: no key; a quoted "": the empty key).',
    }),
    column: z.string().min(1).optional().meta({
      description: 'With csv: the column that holds the keys; optional if the file has one column.',
    }),
    skew: z
      .string()
      .regex(/^(uniform|zipf\(\s*\d+(\.\d+)?\s*\))$/, 'expected uniform or zipf(s), like zipf(1.1)')
      .optional()
      .meta({
        description:
          'With count or values: uniform (default), or zipf(s): the i-th key (from 0) has ' +
          'weight 1/(i+1)^s.',
      }),
  })
  .superRefine((keys, ctx) => {
    const sources = KEY_SOURCES.filter((k) => keys[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          sources.length === 0
            ? 'keys need one of count, values or csv'
            : `keys take one of count, values or csv, not ${sources.join(' and ')}`,
      });
    }
    const misplaced = (field: 'prefix' | 'column' | 'skew', owners: string[], why: string): void => {
      if (keys[field] !== undefined && sources.length === 1 && !owners.includes(sources[0])) {
        ctx.addIssue({ code: 'custom', path: [field], message: why });
      }
    };
    misplaced('prefix', ['count'], '`prefix` names count keys; values and csv keys are named as given');
    misplaced('column', ['csv'], '`column` goes with `csv`');
    misplaced('skew', ['count', 'values'], 'csv keys are replayed in row order; `skew` does not apply');
    const firstAt = new Map<string, number>();
    keys.values?.forEach((value, i) => {
      const first = firstAt.get(value);
      if (first === undefined) firstAt.set(value, i);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['values', i],
          message: `key "${value}" is listed twice (first at values[${first}])`,
        });
      }
    });
  })
  .transform(toKeysSpec)
  .meta({
    description:
      'The key space: count (named keys), values (a list) or csv (a replayed column). ' +
      'Producers naming the same key share it. Omit or null for messages without keys.',
  });

/** A producer's `keys:` block, one shape per source. */
export type KeysSpec =
  | { kind: 'prefix'; prefix: string; count: number; skew: KeySkew }
  | { kind: 'list'; names: string[]; skew: KeySkew }
  | { kind: 'csv'; file: string; column: string | undefined };

// Runs after the checks above: exactly one source is set.
function toKeysSpec(keys: {
  count?: number;
  prefix?: string;
  values?: string[];
  csv?: string;
  column?: string;
  skew?: string;
}): KeysSpec {
  const zipf = /^zipf\(\s*([\d.]+)\s*\)$/.exec(keys.skew ?? '');
  const skew: KeySkew = zipf === null ? { kind: 'uniform' } : { kind: 'zipf', s: Number(zipf[1]) };
  if (keys.values !== undefined) return { kind: 'list', names: keys.values, skew };
  if (keys.csv !== undefined) return { kind: 'csv', file: keys.csv, column: keys.column };
  return { kind: 'prefix', prefix: keys.prefix ?? 'key-', count: keys.count ?? 1, skew };
}

const RateTrace = z
  .strictObject({
    csv: z.string().min(1).meta({
      description:
        'A CSV time series with a header row (a Prometheus, CloudWatch or Datadog export), ' +
        'relative to the scenario file.',
    }),
    time: z.string().min(1).optional().meta({
      description:
        'The time column (default the first): ISO 8601 timestamps, durations like 90s, or ' +
        'numbers in timeUnit. Times count from the first row.',
    }),
    rate: z.string().min(1).optional().meta({
      description: 'The rate column (default the second): messages per second, or rates like 300/min.',
    }),
    timeUnit: z.enum(['s', 'ms']).default('s').meta({
      description: 'The unit of plain-number times: s (epoch seconds, the default) or ms.',
    }),
    interpolate: z.enum(['step', 'linear']).default('step').meta({
      description: 'step: each row holds until the next; linear: straight lines between rows.',
    }),
    scale: parsed(parseMultiplier, 'Multiplies every rate of the trace: 1.5x.', 'multiplier').default(1),
  })
  .meta({
    description:
      "The baseline rate replayed from a CSV time series, instead of `rate`. The last row's " +
      'rate holds until the end of the run.',
  });

const Diurnal = z
  .strictObject({
    peak: parsed(parseMultiplier, 'The daily peak as a multiple of `rate`: 3x.', 'multiplier'),
    peakAt: clockTime('The time of day of the peak, like 20:00.'),
    startsAt: clockTime('The time of day at the start of the run (default 00:00).').default(0),
    period: positiveDuration('The length of one cycle (default 24h; 7d for a weekly one).').default(
      24 * 3_600_000,
    ),
  })
  .meta({
    description:
      'A daily cycle: `rate` is the quietest moment (12 hours from the peak), `peak` × `rate` ' +
      'the busiest, along a cosine.',
  });

export const Producer = z.strictObject({
  name: name('The producer (used in series and on charts).'),
  rate: rate('The baseline rate, outside phases (with `diurnal`, the quietest rate of the day).').optional(),
  rateTrace: RateTrace.optional(),
  diurnal: Diurnal.optional(),
  arrivals: z
    .enum(['poisson', 'uniform'])
    .default('poisson')
    .meta({ description: 'poisson: random (exponential gaps); uniform: evenly spaced.' }),
  // prefault, not default: zod leaves defaults of transformed fields out of the JSON Schema.
  keys: Keys.nullable().prefault(null),
  messageSize: bytes('Bytes per message.').default(1024),
  phases: bounded(Phase, LIMITS.events).default([]),
  backlog: count(
    'Messages already waiting at t = 0 (after an outage), keyed as this producer keys them; ' +
      '`recoveryMs.backlog` is the time to catch up.',
  ).optional(),
});

/**
 * A producer's baseline is `rate` or `rateTrace`, and a `diurnal` cycle shapes a `rate`. Applied
 * after the systems' producer fields are added (scenario-schema.ts): zod cannot extend a
 * refined object.
 */
export function checkBaseline(
  producer: { rate?: number; rateTrace?: unknown; diurnal?: unknown },
  ctx: z.RefinementCtx,
): void {
  if ((producer.rate === undefined) === (producer.rateTrace === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message:
        producer.rate === undefined
          ? 'a producer needs a baseline: `rate` (like 100/s) or `rateTrace`'
          : 'a producer takes `rate` or `rateTrace`, not both',
    });
  }
  if (producer.diurnal !== undefined && producer.rate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['diurnal'], message: '`diurnal` shapes `rate`; give `rate` (the quietest rate of the day)' });
  }
}

/** The `system:` block; each plugin reads its own fields through its own types. */
export type SystemSpec = { type: string } & Record<string, unknown>;
/** Stands for the `system:` block until scenario-schema.ts puts the plugins' union here. */
const System = z.custom<SystemSpec>();

const speedFactor = z.number().positive().max(1e6, 'at most 1,000,000 (a bound of queuesim)');

/** What an autoscaler scales on (docs/semantics.md, "Autoscaling"). */
export const SCALE_METRICS = ['lag', 'ready', 'visible', 'backlogPerInstance', 'utilisation'] as const;
export type ScaleMetric = (typeof SCALE_METRICS)[number];

const Autoscale = z.strictObject({
  metric: z.enum(SCALE_METRICS).meta({
    description: 'lag (log: log end − committed offset, as KEDA\'s Kafka scaler), ready (broker queue depth), ' +
      'visible (SQS ApproximateNumberOfMessagesVisible), backlogPerInstance (the group\'s backlog, any system, ' +
      'as AWS target tracking on SQS) or utilisation (busy handler time over the last polling interval).',
  }),
  target: z.number().positive().meta({
    description: 'The target per instance: messages of backlog per instance, or a utilisation from 0 to 1 (like 0.7).',
  }),
  min: z.number().int().min(0).max(LIMITS.instances).default(1).meta({
    description: 'Fewest instances (HPA minReplicas, default 1); 0 lets KEDA scale to zero when the metric is 0.',
  }),
  max: count('Most instances (HPA maxReplicas).', LIMITS.instances),
  pollingInterval: positiveDuration('How often the metric is read and a decision made (KEDA pollingInterval, default 30s).').default(30_000),
  scaleUpDelay: z.union([z.string(), z.number()]).default(0).meta({
    description: 'Time from a scale-out decision to the new instance running (pod scheduling, image pull, start-up), ' +
      'a duration (45s) or a distribution drawn per instance (uniform(30s, 60s)); default 0.',
  }),
  scaleDownStabilization: duration('Scale down only to the highest recommendation of this window ' +
    '(HPA behavior.scaleDown.stabilizationWindowSeconds, default 300s).').default(300_000),
  scaleUpStabilization: duration('Scale up only to the lowest recommendation of this window ' +
    '(HPA behavior.scaleUp.stabilizationWindowSeconds, default 0s).').default(0),
  tolerance: z.number().min(0).max(1).default(0.1).meta({
    description: 'No change while metric / target is within 1 ± this (HPA --horizontal-pod-autoscaler-tolerance, default 0.1).',
  }),
  cooldown: positiveDuration('With min 0: scale 1 → 0 after the metric was 0 this long (KEDA cooldownPeriod, default 300s).').default(300_000),
});
export type AutoscaleSpec = z.output<typeof Autoscale>;

export const Consumer = z.strictObject({
  group: name('The consumer group.'),
  instances: count('Consumer instances (processes); with autoscale, how many run at the start (raised to min, lowered to max).', LIMITS.instances).default(1),
  concurrency: count('Parallel handlers per instance.', LIMITS.instances).default(1),
  service: z.string().min(1).meta({
    unit: 'distribution',
    description:
      'Time to process one message: const(5ms), exp(20ms), uniform(1ms, 5ms), ' +
      'normal(mean=20ms, sd=5ms), lognormal(mean=20ms, p99=200ms), pareto(scale=10ms, shape=2.5), ' +
      'empirical(1ms, 5ms) or empirical(file=times.csv).',
  }),
  delivery: z
    .enum(GUARANTEES)
    .default('at-least-once')
    .meta({ description: 'When the ack happens relative to the side effect.' }),
  onError: z
    .enum(ON_ERROR)
    .default('requeue')
    .meta({ description: 'When the handler fails: requeue (nack with requeue) or reject.' }),
  startAt: duration('When the group\'s instances come up (they join later); default at the start of the run.').optional(),
  speed: z
    .union([speedFactor, z.array(speedFactor).min(1)])
    .optional()
    .meta({
      description: 'How fast each instance handles messages: service times are divided by it ' +
        '(2 = twice as fast, 0.5 = half as fast). One number for every instance, or a list with one per instance.',
    }),
  autoscale: Autoscale.optional().meta({
    description: 'Scale the instances on a metric, as KEDA and the Kubernetes HPA do (docs/semantics.md, "Autoscaling").',
  }),
});

const instanceRef = z.union([z.number().int().min(0), z.literal('all')]);

/** Fields a crash and a clean leave share: which instance, when, how often, when back. */
const stopFields = {
  group: z.string().meta({ description: 'The consumer group of the instance.' }),
  instance: instanceRef.default(0).meta({ description: 'Instance index, or all.' }),
  restartAfter: duration('Restart this long after it went down; omit to stay down.').optional(),
  every: positiveDuration('Repeat this often (a crash loop, a restart loop).').optional(),
  times: count('How many times; default 1, or until the end with `every`.').optional(),
};

const CrashFault = z.strictObject({
  kind: z.literal('crash'),
  at: duration('When to crash, or to arm the crash when `point` is given.'),
  point: z
    .enum(CRASH_POINTS)
    .optional()
    .meta({ description: 'Crash when the next message reaches this point of its lifecycle.' }),
  ...stopFields,
});

const LeaveFault = z.strictObject({
  kind: z.literal('leave').meta({
    description: 'A clean shutdown (a deploy): no new work, finish and acknowledge what it holds, then go.',
  }),
  at: duration('When the shutdown starts.'),
  ...stopFields,
});

const SlowdownFault = z.strictObject({
  kind: z.literal('slowdown'),
  group: z.string(),
  instance: instanceRef.default('all'),
  at: duration('When the slowdown starts.'),
  for: positiveDuration('How long it lasts.'),
  factor: z.number().positive().max(1e6, 'at most 1,000,000 (a bound of queuesim)')
    .meta({ description: 'Service times are multiplied by this (at most 10^6).' }),
});

const PoisonFault = z
  .strictObject({
    kind: z.literal('poison'),
    group: z.string().optional().meta({ description: 'Only this group fails; default every group.' }),
    every: count('Every n-th message is poison.').optional(),
    probability: z.number().min(0).max(1).optional().meta({ description: 'Each message is poison with this probability (decided per message id, the same in every group and variant).' }),
    ids: z.array(z.number().int().min(0)).optional().meta({ description: 'These message ids (production order, from 0) are poison.' }),
    failures: z
      .union([z.literal('always'), z.number().int().min(1)])
      .default('always')
      .meta({ description: 'How many attempts fail: always (a poison message) or the first n (transient).' }),
  })
  .refine((p) => p.every !== undefined || p.probability !== undefined || p.ids !== undefined, {
    message: 'a poison fault needs every, probability or ids',
  });

/** `at-time`: killed wherever it is; the others wait for the next message to reach the point. */
export const RANDOM_CRASH_POINTS = ['at-time', ...CRASH_POINTS] as const;

const RandomCrashFault = z
  .strictObject({
    kind: z.literal('random-crash').meta({
      description:
        'Crashes at random, over and over: each instance stays up for a time drawn from mtbf, ' +
        'crashes, and comes back after a time drawn from mttr, from a seeded stream of its own.',
    }),
    group: z.string().meta({ description: 'The consumer group.' }),
    instance: instanceRef.default('all').meta({ description: 'Instance index, or all (default).' }),
    mtbf: z.string().meta({ unit: 'distribution', description: 'Up time before each crash, a distribution: exp(6h), const(30m), lognormal(…).' }),
    mttr: z.string().meta({ unit: 'distribution', description: 'Down time before each restart, a distribution: exp(2m), const(45s).' }),
    point: z.enum(RANDOM_CRASH_POINTS).optional().meta({
      description: 'Where each crash strikes: at-time (killed wherever it is; the default) or a lifecycle point.',
    }),
    points: z
      .partialRecord(z.enum(RANDOM_CRASH_POINTS), z.number().positive())
      .optional()
      .meta({ description: 'Instead of point: weights, one point drawn per crash, like { at-time: 3, mid-process: 1 }.' }),
    from: duration('No crash before this time (default 0).').default(0),
    until: duration('No crash after this time (default: the end of the run); restarts still happen.').optional(),
  })
  .refine((f) => f.point === undefined || f.points === undefined, {
    message: 'a random crash takes point or points, not both',
  });

const Fault = z.discriminatedUnion('kind', [CrashFault, LeaveFault, SlowdownFault, PoisonFault, RandomCrashFault]);

/** The `producers:` list of `item`s: here, and with each system's fields in scenario-schema.ts. */
export function producerList<T extends z.ZodType>(item: T) {
  return bounded(item, LIMITS.entities).min(1);
}

/** The `consumers:` list of `item`s: here, and with each system's fields in scenario-schema.ts. */
export function consumerList<T extends z.ZodType>(item: T) {
  return bounded(item, LIMITS.entities).default([]).meta({
    description: 'Consumer groups. None is allowed where messages can still expire or wait and ' +
      'be counted (log, broker, queue: each unconsumed queue is a group of its own).',
  });
}

/** The scenario without the systems' own blocks and settings: see scenario-schema.ts. */
export const CommonScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: name('The scenario; reports go to reports/<name>/.'),
    description: z.string().default(''),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    duration: positiveDuration('How long producers send.'),
    drain: duration('Extra time after producers stop, for consumers to catch up.').default(0),
    system: System,
    producers: producerList(Producer),
    consumers: consumerList(Consumer),
    faults: bounded(Fault, LIMITS.events).default([]),
    report: z
      .strictObject({
        sampleEvery: positiveDuration('Time-series sample interval; default gives 200–2000 points.').optional(),
      })
      .default({}),
    expect: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .default({})
      .meta({
        description:
          'SLO assertions, a threshold in the figure\'s unit: `lossRatio: 0`, `p99LatencyMs: "< 2s"`, ' +
          '`rejectedRatio: "< 1%"`, `cost: "< $5"`, `billing.maxLag: "< 5000"`.',
      }),
    variants: z
      .array(
        z.strictObject({
          name: name('The variant, as `compare` shows it.'),
          set: z.record(z.string(), z.unknown()).optional().meta({
            description: 'Field path → value, like `consumers[0].delivery: at-most-once`; none: the scenario as written.',
          }),
        }),
      )
      .optional()
      .meta({ description: 'Named variants for `queuesim compare` (ignored by `run`).' }),
  });

export type ScenarioInput = z.input<typeof CommonScenarioSchema>;
export type ScenarioSpec = z.output<typeof CommonScenarioSchema>;
export type PhaseSpec = z.output<typeof Phase>;
export type ProducerSpec = z.output<typeof Producer>;
export type ConsumerSpec = z.output<typeof Consumer>;
export type FaultSpec = z.output<typeof Fault>;

