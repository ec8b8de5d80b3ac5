/**
 * system.type aliases (README, "Systems"): kafka = log, rabbitmq = broker, sqs = queue. An alias is
 * the canonical type under another name: the same validation, the same run (byte for byte,
 * but for the echoed source and its hash), in run, compare, sweep and variants.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { ScenarioError } from '../../src/scenarios/issues.js';
import { compare } from '../../src/experiments/compare.js';
import { sweep } from '../../src/experiments/sweep.js';
import { applyVariant, parseParam, parseSet, parseVary } from '../../src/experiments/variants.js';
import type { Result } from '../../src/observe/result.js';

const SYSTEMS = {
  log: `system:
  type: log
  topics: [{ name: orders, partitions: 4 }]
`,
  broker: `system:
  type: broker
  exchanges: [{ name: orders, type: fanout }]
  queues: [{ name: g, bindings: [{ exchange: orders }] }]
`,
  queue: `system:
  type: queue
  queues: [{ name: g.fifo, fifo: true }]
`,
};

const PRODUCER = {
  log: '{ name: p, rate: 200/s, keys: { count: 20, skew: zipf(1.1) } }',
  broker: '{ name: p, rate: 200/s, exchange: orders, keys: { count: 20 } }',
  queue: '{ name: p, rate: 200/s, queue: g.fifo, keys: { values: [a, b, c] } }',
};

const CONSUMER = {
  log: '{ group: g, instances: 2, service: exp(8ms) }',
  broker: '{ group: g, instances: 2, service: exp(8ms) }',
  queue: '{ group: g, queue: g.fifo, instances: 2, service: exp(8ms) }',
};

const ALIASES = [['kafka', 'log'], ['rabbitmq', 'broker'], ['sqs', 'queue']] as const;

function source(type: keyof typeof SYSTEMS): string {
  return `name: alias
seed: 11
duration: 20s
${SYSTEMS[type]}producers:
  - ${PRODUCER[type]}
consumers:
  - ${CONSUMER[type]}
faults:
  - { kind: crash, group: g, instance: 0, at: 5s, point: mid-process, restartAfter: 1s }
`;
}

/** The result without what echoes the file's text: the source and its hash. */
function withoutSource(result: Result): string {
  return JSON.stringify({ ...result, source: '', meta: { ...result.meta, scenarioHash: '' } });
}

describe('system.type aliases', () => {
  for (const [alias, type] of ALIASES) {
    it(`${alias} runs exactly as ${type}`, () => {
      const canonical = source(type);
      const aliased = canonical.replace(`type: ${type}\n`, `type: ${alias}\n`);
      expect(aliased).not.toBe(canonical);
      const scenario = parseScenario(aliased, 'alias.yaml');
      expect(scenario.spec.system.type).toBe(type);
      const [a, c] = [scenario, parseScenario(canonical, 'canonical.yaml')].map((s) => runScenario(s));
      expect(a.meta.systemType).toBe(type);
      expect(a.summary.produced).toBeGreaterThan(3000);
      expect(withoutSource(a)).toBe(withoutSource(c));
    });
  }

  it('still suggests the closest name for an unknown type, aliases included', () => {
    const refused = (type: string): string[] => {
      try {
        parseScenario(source('log').replace('type: log\n', `type: ${type}\n`), 'bad.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        return (error as Error).message.split('\n');
      }
      throw new Error('expected a refusal');
    };
    const types = 'workqueue, direct, log, kafka, broker, rabbitmq, queue, sqs';
    expect(refused('kafak')).toEqual([`bad.yaml:5:9: system.type: expected one of ${types}, got "kafak"; did you mean "kafka"?`]);
    expect(refused('brokr')).toEqual([`bad.yaml:5:9: system.type: expected one of ${types}, got "brokr"; did you mean "broker"?`]);
  });

  it('answers a typo in an aliased system block with that system\'s fields', () => {
    const typo = source('queue').replace('type: queue\n', 'type: sqs\n').replace('queues:', 'queus:');
    expect(() => parseScenario(typo, 'bad.yaml')).toThrow(
      'bad.yaml:6:3: system.queus: unknown field "queus"; did you mean "queues"? (fields here: type, queues, topics, network)',
    );
  });

  it('works in variants, compare and sweep, with the same figures as the canonical type', async () => {
    const base = { source: source('queue'), file: 'q.yaml', options: {} };
    expect(applyVariant(base, [parseSet('system.type=sqs')]).spec.system.type).toBe('queue');
    const compared = await compare(base, { seeds: 2, vary: [parseVary('system.type=queue,sqs')], sets: [], jobs: 1 });
    const [queue, sqs] = compared.variants;
    expect(sqs.label).toBe('type=sqs');
    expect(sqs.systemType).toBe('queue');
    expect(sqs.perSeed).toEqual(queue.perSeed);
    const swept = await sweep(base, { params: [parseParam('system.type=queue,sqs')], sets: [], seeds: 2, quantile: 1, jobs: 1 });
    expect(swept.points[1].perSeed).toEqual(swept.points[0].perSeed);
  });

  it('maps another system onto an alias as onto its canonical type: the same refusal names the field', () => {
    // From a managed queue to kafka: its queues have no meaning on a log, for `kafka` as for `log`.
    const base = { source: source('queue'), file: 'q.yaml', options: {} };
    const onto = (type: string) => () => applyVariant(base, [parseSet(`system.type=${type}`), parseSet('system.topics=[{name: t}]')]);
    for (const type of ['kafka', 'log']) {
      expect(onto(type)).toThrow(`system.type=${type}: system.queues (queue) cannot carry over to log`);
    }
  });
});
