/** Bad queue scenarios are refused with the path of the field and what is expected. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenarios/load.js';
import { ScenarioError } from '../../../src/scenarios/issues.js';
import { group, run } from '../../helpers.js';

function errorsOf(yaml: string): string {
  try {
    parseScenario(yaml, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

function scenario(queues: string, producer = '{ name: p, rate: 1/s }', consumer = '{ group: g, service: const(1ms) }'): string {
  return `
name: bad
duration: 1m
system: { type: queue, queues: ${queues} }
producers: [${producer}]
consumers: [${consumer}]
`;
}

describe('queue validation', () => {
  it('names the field and the rule', () => {
    expect(errorsOf(scenario('[{ name: q, visibilityTimeout: 13h }]'))).toMatch(/system\.queues\[0\]\.visibilityTimeout.*at most 12h/);
    expect(errorsOf(scenario('[{ name: q, messageRetentionPeriod: 30s }]'))).toMatch(/messageRetentionPeriod.*60s and 14d/);
    expect(errorsOf(scenario('[{ name: q, fifo: true }]'))).toMatch(/queues\[0\]\.name.*must end in \.fifo/);
    expect(errorsOf(scenario('[{ name: q, deadLetterQueue: nope }]'))).toMatch(/deadLetterQueue.*no queue "nope"/);
    expect(errorsOf(scenario('[{ name: q.fifo, fifo: true, deadLetterQueue: d }, { name: d }]', '{ name: p, rate: 1/s, keys: { count: 1 } }')))
      .toMatch(/same type/);
    expect(errorsOf(scenario('[{ name: q, maxReceiveCount: 3 }]'))).toMatch(/give a deadLetterQueue/);
    expect(errorsOf(scenario('[{ name: q, maximumMessageSize: 2MB }]'))).toMatch(/queues\[0\]\.maximumMessageSize.*between 1KB and 1MB/);
    expect(errorsOf(scenario('[{ name: q, maximumMessageSize: 512B }]'))).toMatch(/maximumMessageSize/);
  });

  it('refuses sends above MaximumMessageSize (default 1 MiB): rejected, cause message-too-large', () => {
    // One message a second at 1 … 59 s: 59 produced.
    const big = run(scenario('[{ name: q }]', '{ name: p, rate: 1/s, arrivals: uniform, messageSize: 1025KB }'));
    expect(big.summary).toMatchObject({ produced: 59, accepted: 0, rejectedByCause: { 'message-too-large': 59 } });
    const limited = run(scenario('[{ name: q, maximumMessageSize: 256KB }]', '{ name: p, rate: 1/s, arrivals: uniform, messageSize: 257KB }'));
    expect(limited.summary).toMatchObject({ accepted: 0, rejected: 59 });
    const fits = run(scenario('[{ name: q, maximumMessageSize: 256KB }]', '{ name: p, rate: 1/s, arrivals: uniform, messageSize: 256KB }'));
    expect(fits.summary).toMatchObject({ accepted: 59, rejected: 0 });
  });

  it('checks producers and consumers against the queues', () => {
    expect(errorsOf(scenario('[{ name: q.fifo, fifo: true }]'))).toMatch(/producers\[0\]\.keys.*MessageGroupId/);
    expect(errorsOf(scenario('[{ name: q }]', '{ name: p, rate: 1/s, queue: other }'))).toMatch(/producers\[0\]\.queue.*no queue "other"/);
    expect(errorsOf(scenario('[{ name: q }]', undefined, '{ group: g, service: const(1ms), batchSize: 11 }'))).toMatch(/batchSize/);
    expect(errorsOf(scenario('[{ name: q }]', undefined, '{ group: g, service: const(1ms), waitTime: 21s }'))).toMatch(/waitTime.*20s/);
    expect(errorsOf(scenario('[{ name: q.fifo, fifo: true }]', '{ name: p, rate: 1/s, keys: { count: 1 }, delaySeconds: 5s }')))
      .toMatch(/no per-message delay/);
    const twice = `
name: bad
duration: 1m
system: { type: queue, queues: [{ name: q }] }
producers: [{ name: p, rate: 1/s }]
consumers: [{ group: a, service: const(1ms) }, { group: b, service: const(1ms) }]
`;
    expect(errorsOf(twice)).toMatch(/consumers\[1\]\.queue.*already polled/);
  });

  it('queue settings are refused under another system type', () => {
    const other = `
name: bad
duration: 1m
system: { type: workqueue }
producers: [{ name: p, rate: 1/s }]
consumers: [{ group: g, service: const(1ms), waitTime: 20s }]
`;
    expect(errorsOf(other)).toMatch(/"waitTime" is a setting of system type queue/);
  });
});

describe('standard queue extra copies', () => {
  it('a delete that misses a server (seeded probability) brings the message back: duplicates', () => {
    // 600 messages, P(miss) = 0.05: about 30 come back after the 5 s visibility timeout.
    const yaml = (p: number) => `
name: copies
duration: 60500ms
drain: 30s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 5s, duplicateProbability: ${p} }] }
producers: [{ name: p, rate: 10/s, arrivals: uniform }]
consumers: [{ group: g, service: const(1ms), waitTime: 20s }]
`;
    const g = group(run(yaml(0.05)));
    // Binomial(600, 0.05) plus second misses: mean 31.6, sd 5.4; 15–50 is over three sd each way.
    expect(g.duplicates).toBeGreaterThan(15);
    expect(g.duplicates).toBeLessThan(50);
    expect(g.losses.total).toBe(0);
    expect(group(run(yaml(0))).duplicates).toBe(0);
  });
});

describe('a scenario without consumer groups', () => {
  it('counts each unpolled queue as a group of its own: messages only wait, or expire', () => {
    // One message a second at k = 1 … 599 s, retention 60 s: message k expires at k + 60 s, so
    // by the end (600 s, an expiry at that instant included) k = 1 … 540 are gone, 59 wait.
    const r = run(`
name: no-consumers
duration: 10m
system: { type: queue, queues: [{ name: q, messageRetentionPeriod: 60s }] }
producers: [{ name: p, rate: 1/s, arrivals: uniform }]
`);
    const q = group(r, 'q');
    expect(r.summary.produced).toBe(599);
    expect(q.losses).toEqual({ total: 540, byCause: { retention: 540 } });
    expect(q.backlogAtEnd).toBe(59);
    expect(q.processed).toBe(0);
  });

  it('is refused where nothing would count its messages', () => {
    const without = (system: string) => `
name: none
duration: 1m
system: ${system}
producers: [{ name: p, rate: 1/s }]
`;
    expect(errorsOf(without('{ type: workqueue }'))).toMatch(/consumers: a work queue has one queue per consumer group/);
    expect(errorsOf(without('{ type: log, topics: [{ name: t }] }'))).toMatch(/consumers: a log counts lag and losses per consumer group/);
    expect(errorsOf(without('{ type: direct }'))).toMatch(/consumers: a direct system calls one downstream/);
  });
});
