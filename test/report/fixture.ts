/**
 * A realistic, hand-shaped `Result` for the report tests: a RabbitMQ-like broker with two groups
 * (`billing`, `email`, each consuming its own queue of the same name), one producer
 * (`checkout`), one load phase (`flash-sale`, +10:00 to +15:00 at 10x the baseline rate), and a
 * crash of `billing/c1` at +11:40 restarted at +12:10.
 *
 * The series come from a tiny fluid model (arrivals minus capacity per 10 s sample), not from the
 * simulator, so the report layer can be tested on its own. No randomness: every call returns the
 * same data.
 */
import type { GroupSummary, Result } from '../../src/observe/result.js';

export const SAMPLE_EVERY_MS = 10_000;
export const SAMPLE_COUNT = 120;
export const PHASE = { name: 'flash-sale', startMs: 600_000, endMs: 900_000 };
export const CRASH_MS = 700_000;
export const RESTART_MS = 730_000;

interface GroupShape {
  capacityPerSec: number;
  /** Processing stops while `down(t)` is true (crashed consumer, start-up). */
  down: (tMs: number) => boolean;
  serviceMs: number;
}

const shapes: Record<string, GroupShape> = {
  billing: {
    capacityPerSec: 300,
    down: (t) => t > CRASH_MS && t <= RESTART_MS,
    serviceMs: 20,
  },
  email: { capacityPerSec: 120, down: (t) => t <= SAMPLE_EVERY_MS, serviceMs: 45 },
};

function producedAt(tMs: number): number {
  return tMs > PHASE.startMs && tMs <= PHASE.endMs ? 500 : 50;
}

interface GroupSeries {
  lag: number[];
  oldestAgeMs: number[];
  ready: number[];
  unacked: number[];
  processedPerSec: number[];
  latencyP50Ms: (number | null)[];
  latencyP99Ms: (number | null)[];
  latencyMaxMs: (number | null)[];
}

function groupSeries(tMs: number[], shape: GroupShape): GroupSeries {
  const s: GroupSeries = {
    lag: [],
    oldestAgeMs: [],
    ready: [],
    unacked: [],
    processedPerSec: [],
    latencyP50Ms: [],
    latencyP99Ms: [],
    latencyMaxMs: [],
  };
  const intervalSec = SAMPLE_EVERY_MS / 1000;
  let lag = 0;
  for (const t of tMs) {
    const arrivals = producedAt(t) * intervalSec;
    const capacity = shape.down(t) ? 0 : shape.capacityPerSec * intervalSec;
    const processed = Math.min(capacity, lag + arrivals);
    lag = lag + arrivals - processed;
    const waitMs = Math.round((lag / shape.capacityPerSec) * 1000);
    const unacked = Math.min(lag, shape.down(t) ? 10 : Math.round(shape.capacityPerSec / 10));
    s.lag.push(lag);
    s.ready.push(lag - unacked);
    s.unacked.push(unacked);
    s.oldestAgeMs.push(lag === 0 ? 0 : waitMs + shape.serviceMs);
    s.processedPerSec.push(processed / intervalSec);
    const p50 = processed === 0 ? null : shape.serviceMs + Math.round(waitMs / 2);
    s.latencyP50Ms.push(p50);
    s.latencyP99Ms.push(p50 === null ? null : p50 * 3 + 50);
    s.latencyMaxMs.push(p50 === null ? null : p50 * 4 + 80);
  }
  return s;
}

function groupSummary(series: GroupSeries, extra: Partial<GroupSummary>): GroupSummary {
  const processed = series.processedPerSec.reduce((a, b) => a + b * 10, 0);
  const p99s = series.latencyP99Ms.filter((v): v is number => v !== null);
  const maxes = series.latencyMaxMs.filter((v): v is number => v !== null);
  const max = Math.max(...maxes);
  return {
    deliveries: processed + 40,
    processed,
    duplicates: 0,
    duplicatesSuppressed: 0,
    redeliveries: 40,
    failures: 0,
    waited: 0,
    utilisation: 0.5,
    losses: { total: 0, byCause: {} },
    deadLettered: 0,
    deadLetteredByReason: {},
    backlogAtEnd: series.lag[series.lag.length - 1],
    orderingViolations: 0,
    maxLag: Math.max(...series.lag),
    maxOldestAgeMs: Math.max(...series.oldestAgeMs),
    latencyMs: {
      count: processed,
      p50: 31,
      p90: 412,
      p99: Math.max(...p99s),
      p999: Math.round(max * 0.98),
      max,
      mean: 2_210.5,
    },
    queueWaitMs: {
      count: processed,
      p50: 4,
      p90: 380,
      p99: 40_100,
      p999: 51_000,
      max: 52_500,
      mean: 1_900.25,
    },
    recoveryMs: { [PHASE.name]: 95_000 },
    ...extra,
  };
}

function base(): Result {
  const tMs = Array.from({ length: SAMPLE_COUNT }, (_, i) => (i + 1) * SAMPLE_EVERY_MS);
  const billing = groupSeries(tMs, shapes.billing);
  const email = groupSeries(tMs, shapes.email);
  const produced = tMs.reduce((a, t) => a + producedAt(t) * 10, 0);
  return {
    queuesim: '0.1.0',
    scenario: 'flash-sale-broker',
    description: 'A 10x flash sale on a RabbitMQ-like broker; billing crashes before ack.',
    seed: 42,
    meta: {
      node: 'v20.20.0',
      scenarioHash: 'sha256:3f1c0ffee',
      durationMs: 1_200_000,
      drainMs: 0,
      sampleEveryMs: SAMPLE_EVERY_MS,
      systemType: 'broker',
    },
    summary: {
      produced,
      accepted: produced - 12,
      rejected: 12,
      rejectedByCause: { 'max-length': 12 },
      awaitingAck: 0,
      duplicateAppends: 0,
      simulatedMs: 1_200_000,
      events: 1_234_567,
      groups: {
        billing: groupSummary(billing, { duplicates: 7, duplicatesSuppressed: 3 }),
        email: groupSummary(email, {
          losses: { total: 3, byCause: { 'crash-after-ack': 2, retention: 1 } },
          deadLettered: 5,
          deadLetteredByReason: { 'delivery-limit': 5 },
          orderingViolations: 2,
          recoveryMs: { [PHASE.name]: null },
        }),
      },
    },
    series: {
      tMs,
      lag: { billing: billing.lag, email: email.lag },
      oldestAgeMs: { billing: billing.oldestAgeMs, email: email.oldestAgeMs },
      ready: { billing: billing.ready, email: email.ready },
      unacked: { billing: billing.unacked, email: email.unacked },
      producedPerSec: { checkout: tMs.map(producedAt) },
      processedPerSec: { billing: billing.processedPerSec, email: email.processedPerSec },
      latencyP50Ms: { billing: billing.latencyP50Ms, email: email.latencyP50Ms },
      latencyP99Ms: { billing: billing.latencyP99Ms, email: email.latencyP99Ms },
      latencyMaxMs: { billing: billing.latencyMaxMs, email: email.latencyMaxMs },
    },
    phases: [
      { name: PHASE.name, producer: 'checkout', startMs: PHASE.startMs, endMs: PHASE.endMs },
    ],
    timeline: [
      { tMs: PHASE.startMs, kind: 'phase-start', subject: PHASE.name },
      { tMs: CRASH_MS, kind: 'crash', subject: 'billing/c1', detail: 'before-ack' },
      { tMs: RESTART_MS, kind: 'restart', subject: 'billing/c1' },
      { tMs: PHASE.endMs, kind: 'phase-end', subject: PHASE.name },
    ],
    anomalies: {
      billing: [
        {
          kind: 'duplicate',
          tMs: 731_250,
          messageId: 40_211,
          key: 'order-17',
          seq: 3,
          detail: '2',
        },
      ],
      email: [
        {
          kind: 'loss',
          tMs: 812_000,
          messageId: 51_002,
          key: null,
          seq: 0,
          detail: 'crash-after-ack',
        },
        {
          kind: 'ordering-violation',
          tMs: 815_500,
          messageId: 51_990,
          key: 'user-4',
          seq: 8,
          detail: '9',
        },
      ],
    },
    expectations: [
      { expr: 'billing.recoveryMs < 2m', figure: 'billing.recoveryMs', op: '<', threshold: 120_000, actual: 95_000, pass: true },
      { expr: 'email.losses == 0', figure: 'email.losses', op: '==', threshold: 0, actual: 3, pass: false },
    ],
    source: [
      'name: flash-sale-broker',
      'seed: 42',
      'system: { type: broker }',
      'producers:',
      '  - name: checkout',
      '    rate: 50/s',
      '    phases: [{ name: flash-sale, start: 10m, duration: 5m, rate: 500/s }]',
      'expect:',
      '  - billing.recoveryMs < 2m',
      '  - email.losses == 0',
      '',
    ].join('\n'),
  };
}

/** A fresh copy of the sample result; `overrides` replace top-level fields. */
export function sampleResult(overrides: Partial<Result> = {}): Result {
  return { ...base(), ...overrides };
}
