import { describe, expect, it } from 'vitest';
import {
  applyVariant,
  crossProduct,
  parseParam,
  parsePath,
  parseSet,
  parseVary,
  splitValues,
  type BaseDocument,
} from '../../src/experiments/variants.js';
import { runScenario } from '../../src/scenarios/run.js';

const SOURCE = `
name: base
seed: 3
duration: 20s
system: { type: workqueue, maxLength: 1000 }
producers:
  - { name: p, rate: 50/s, keys: { count: 10 } }
consumers:
  - { group: g, instances: 2, service: exp(10ms) }
expect:
  losses: 0
`;
const base: BaseDocument = { source: SOURCE, file: 'base.yaml', options: {} };
const unbounded: BaseDocument = { ...base, source: SOURCE.replace(', maxLength: 1000', '') };

describe('paths and values', () => {
  it('parses names, indexes and quoted keys', () => {
    expect(parsePath('consumers[0].delivery')).toEqual(['consumers', 0, 'delivery']);
    expect(parsePath('system.type')).toEqual(['system', 'type']);
    expect(parsePath('expect["g.losses"]')).toEqual(['expect', 'g.losses']);
    expect(() => parsePath('consumers[x]')).toThrow(/bad field path/);
    expect(() => parsePath('')).toThrow(/empty/);
  });

  it('reads values as YAML scalars and splits lists outside brackets', () => {
    expect(parseSet('consumers[0].instances=4')).toEqual({ path: ['consumers', 0, 'instances'], value: 4 });
    expect(parseSet('system.type=direct').value).toBe('direct');
    expect(splitValues('uniform(1ms, 5ms),const(2ms)')).toEqual(['uniform(1ms, 5ms)', 'const(2ms)']);
    expect(parseVary('consumers[0].delivery=at-most-once,at-least-once').values).toEqual([
      'at-most-once',
      'at-least-once',
    ]);
    expect(() => parseSet('system.type')).toThrow(/path=value/);
  });

  it('expands ranges with steps and lists', () => {
    expect(parseParam('consumers[0].instances=1..4').values).toEqual([1, 2, 3, 4]);
    expect(parseParam('consumers[0].instances=2..10:4').values).toEqual([2, 6, 10]);
    expect(parseParam('system.maxLength=6,12,24').values).toEqual([6, 12, 24]);
    expect(() => parseParam('consumers[0].instances=5..1')).toThrow(/range goes up/);
  });

  it('takes the cross product, first axis slowest', () => {
    const variants = crossProduct([parseVary('consumers[0].instances=1,2'), parseVary('system.maxLength=10,20')]);
    expect(variants.map((v) => v.label)).toEqual([
      'instances=1 maxLength=10',
      'instances=1 maxLength=20',
      'instances=2 maxLength=10',
      'instances=2 maxLength=20',
    ]);
  });
});

describe('applying variants', () => {
  it('sets fields and validates the result like a file', () => {
    const s = applyVariant(base, [parseSet('consumers[0].instances=5')], 'five');
    expect(s.spec.consumers[0].instances).toBe(5);
    expect(() => applyVariant(base, [parseSet('consumers[0].instances=0')], 'zero')).toThrow(
      /base\.yaml \[zero\]:\d+:\d+: consumers\[0\]\.instances/,
    );
  });

  it('rejects unknown fields naming the valid ones, with a suggestion', () => {
    expect(() => applyVariant(base, [parseSet('consumers[0].instaces=3')])).toThrow(
      /no field "instaces" in consumers\[0\]; did you mean "instances"\? \(fields: group, instances, concurrency/,
    );
    expect(() => applyVariant(base, [parseSet('sytem.type=direct')])).toThrow(/did you mean "system"/);
    expect(() => applyVariant(base, [parseSet('consumers[3].instances=3')])).toThrow(/has 1 entry, numbered from 0/);
    expect(() => applyVariant(base, [parseSet('consumers.instances=3')])).toThrow(/is a list; index it/);
  });

  it('rejects bad values with the schema message', () => {
    expect(() => applyVariant(base, [parseSet('consumers[0].delivery=at-most-twice')])).toThrow(
      /expected one of at-most-once, at-least-once, effectively-once/,
    );
  });

  it('maps a scenario onto another system type; the new type\'s own fields follow the type', () => {
    const s = applyVariant(unbounded, [parseSet('system.type=direct')], 'direct');
    expect(s.spec.system).toEqual({ type: 'direct', retries: 0, backoff: 100, maxBackoff: 10_000, errorRate: 0, outages: [] });
    // Set after the type: the new type's own fields are valid.
    const t = applyVariant(unbounded, [parseSet('system.type=direct'), parseSet('system.timeout=2s')]);
    expect(t.spec.system.timeout).toBe(2000);
    expect(() => applyVariant(base, [parseSet('system.timeout=2s')])).toThrow(/no field "timeout" in system/);
  });

  it('keeps arrivals identical across variants (common random numbers)', () => {
    const variants = [
      [],
      [parseSet('consumers[0].instances=7')],
      [parseSet('consumers[0].delivery=at-most-once')],
      [parseSet('system.maxLength=null'), parseSet('system.type=direct')],
    ];
    const produced = variants.map((v) => {
      const r = runScenario(applyVariant(base, v), { seed: 9 });
      return JSON.stringify(r.series.producedPerSec);
    });
    expect(new Set(produced).size).toBe(1);
    // A different seed does change them: the check above can fail.
    const other = runScenario(applyVariant(base, []), { seed: 10 });
    expect(JSON.stringify(other.series.producedPerSec)).not.toBe(produced[0]);
  });
});

describe('--vary system.type: settings carry over, end by design, or are refused', () => {
  const broker: BaseDocument = { file: 'b.yaml', options: {}, source: `
name: b
duration: 20s
system:
  type: broker
  queues: [{ name: work }]
producers:
  - { name: p, rate: 50/s, routingKey: work }
consumers:
  - { group: g, queue: work, instances: 2, service: exp(10ms) }
` };

  it('a work queue with a length bound cannot become a direct call or a log: the bound is named', () => {
    expect(() => applyVariant(base, [parseSet('system.type=direct')], 'direct')).toThrow(
      'base.yaml [direct]: system.type=direct: system.maxLength (workqueue) cannot carry over to direct: ' +
      'a direct call has no setting of that meaning. Remove it from the scenario for this comparison, or compare systems that both have it');
    expect(() => applyVariant(base, [parseSet('system.type=kafka')], 'log')).toThrow(/system\.maxLength \(workqueue\) cannot carry over to log/);
  });

  it('a broker\'s queue, its consumers\' queue and the default-exchange routing key become a managed queue\'s', () => {
    const s = applyVariant(broker, [parseSet('system.type=sqs')], 'sqs');
    expect(s.spec.system.type).toBe('queue');
    expect((s.spec.system as unknown as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual(['work']);
    expect(s.spec.producers[0]).toMatchObject({ queue: 'work' });
    expect(s.spec.consumers[0]).toMatchObject({ queue: 'work' });
    // And back: the managed queue's producer `queue` is the routing key on the default exchange.
    const back = applyVariant({ ...broker, source: s.source }, [parseSet('system.type=broker')], 'broker');
    expect(back.spec.producers[0]).toMatchObject({ routingKey: 'work' });
  });

  it('refuses a broker setting a managed queue has no counterpart for, naming it', () => {
    const prefetch = { ...broker, source: broker.source.replace('instances: 2,', 'instances: 2, prefetch: 10,') };
    expect(() => applyVariant(prefetch, [parseSet('system.type=queue')])).toThrow(
      /consumers\[0\]\.prefetch \(broker\) cannot carry over to queue: the consumers of a managed queue have no setting of that meaning/);
    const bounded = { ...broker, source: broker.source.replace('{ name: work }', '{ name: work, maxLength: 100 }') };
    expect(() => applyVariant(bounded, [parseSet('system.type=queue')])).toThrow(/system\.queues\[0\]\.maxLength \(broker\) cannot carry over/);
  });

  it('a direct call becomes a work queue (should-i-add-a-queue), its caller settings dropped with a notice', () => {
    const direct = { ...unbounded, source: unbounded.source.replace('type: workqueue', 'type: direct, timeout: 2s, maxQueue: 200, retries: 2') };
    const notices: string[] = [];
    const s = applyVariant(direct, [parseSet('system.type=workqueue')], 'queue', notices);
    expect(s.spec.system).toEqual({ type: 'workqueue' });
    expect(notices).toEqual(['system.type=workqueue: system.timeout, system.maxQueue, system.retries dropped: ' +
      "a direct call's caller and pool settings end where a queue takes the message"]);
  });
});
