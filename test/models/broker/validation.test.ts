/** Broker scenario validation: clear errors with the path, before the run starts. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/load.js';
import { ScenarioError } from '../../../src/scenarios/issues.js';

function errorsOf(yaml: string): string[] {
  try {
    parseScenario(yaml, 'b.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the scenario to be refused');
}

const base = (system: string, producer = 'exchange: orders', consumer = '') => `
name: v
duration: 1m
system:
  type: broker
${system}
producers: [{ name: p, rate: 10/s, ${producer} }]
consumers: [{ group: billing, service: const(1ms) ${consumer} }]
`;

const ok = `  exchanges: [{ name: orders, type: topic }]
  queues: [{ name: billing, bindings: [{ exchange: orders, routingKey: "order.*" }] }]`;

describe('broker scenario validation', () => {
  it('accepts a valid topology, with RabbitMQ defaults', () => {
    const s = parseScenario(base(ok), 'b.yaml');
    expect(s.spec.system).toMatchObject({ consumerTimeout: 1_800_000, heartbeat: 60_000 });
    expect((s.spec.system as unknown as { queues: object[] }).queues[0]).toMatchObject({ queueType: 'classic', overflow: 'drop-head' });
  });

  it('names unknown exchanges, with a suggestion', () => {
    const errors = errorsOf(base(ok.replace('exchange: orders,', 'exchange: order,')));
    expect(errors).toEqual([expect.stringMatching(/system\.queues\[0\]\.bindings\[0\]\.exchange: no exchange "order"; exchanges are orders.*did you mean "orders"/)]);
    expect(errorsOf(base(ok, 'exchange: nope'))[0]).toMatch(/producers\[0\]\.exchange: no exchange "nope"/);
  });

  it('refuses settings a queue type does not have', () => {
    const classicLimit = errorsOf(base(ok.replace('{ name: billing,', '{ name: billing, deliveryLimit: 5,')));
    expect(classicLimit[0]).toMatch(/queues\[0\]\.deliveryLimit: classic queues have no delivery limit/);
    const quorumDlx = errorsOf(base(ok.replace('{ name: billing,', '{ name: billing, queueType: quorum, overflow: reject-publish-dlx,')));
    expect(quorumDlx[0]).toMatch(/queues\[0\]\.overflow: quorum queues do not support reject-publish-dlx/);
  });

  it('a consumer must name an existing queue, one entry per queue', () => {
    expect(errorsOf(base(ok, 'exchange: orders', ', queue: biling'))[0]).toMatch(/consumers\[0\]\.queue: no queue "biling".*did you mean "billing"/);
    const twice = base(ok).replace(
      'consumers: [{ group: billing, service: const(1ms)  }]',
      'consumers: [{ group: billing, service: const(1ms) }, { group: slow, queue: billing, service: const(5ms) }]',
    );
    expect(errorsOf(twice)[0]).toMatch(/consumers\[1\]: queue "billing" is already consumed by consumers\[0\]/);
  });

  it('autoAck needs at-most-once; the default exchange needs a routing key', () => {
    expect(errorsOf(base(ok, 'exchange: orders', ', autoAck: true'))[0]).toMatch(/consumers\[0\]\.autoAck: .*delivery: at-most-once/);
    expect(errorsOf(base(ok, 'mandatory: true'))[0]).toMatch(/producers\[0\]: publishing to the default exchange needs a routingKey/);
  });

  it('broker fields do not apply to another system', () => {
    const yaml = `
name: v
duration: 1m
system: { type: workqueue }
producers: [{ name: p, rate: 10/s, routingKey: x }]
consumers: [{ group: g, service: const(1ms), prefetch: 5 }]
`;
    const errors = errorsOf(yaml);
    expect(errors.some((e) => /producers\[0\]\.routingKey: "routingKey" is a setting of system type broker/.test(e))).toBe(true);
    expect(errors.some((e) => /consumers\[0\]\.prefetch: "prefetch" is a setting of system type broker/.test(e))).toBe(true);
  });

  it('bad values name the field', () => {
    expect(errorsOf(base(ok.replace('type: topic', 'type: topik')))[0]).toMatch(/exchanges\[0\]\.type: expected one of direct, fanout, topic, headers/);
    expect(errorsOf(base(ok.replace('{ name: billing,', '{ name: billing, messageTtl: soon,')))[0]).toMatch(/queues\[0\]\.messageTtl/);
  });
});
