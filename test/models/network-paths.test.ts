import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { group } from '../helpers.js';

interface Line { t: number; op: string; msg?: number; instance?: string | null; [k: string]: unknown }
function traced(yaml: string) {
  const lines: Line[] = [];
  const r = runScenario(parseScenario(yaml, 'test.yaml'), { history: { sink: { write: (l: string) => { lines.push(JSON.parse(l)); } } } });
  return { r, lines };
}
function dump(yaml: string) {
  const { r, lines } = traced(yaml);
  const g = group(r);
  console.log(JSON.stringify({ processed: g.processed, deliveries: g.deliveries, dup: g.duplicates, sup: g.duplicatesSuppressed, redel: g.redeliveries, losses: g.losses, dl: g.deadLetteredByReason, backlog: g.backlogAtEnd, failures: g.failures, produced: r.summary.produced }));
  console.log(r.timeline.map((e) => `${e.tMs} ${e.kind} ${e.subject} ${e.detail ?? ''}`).join('\n'));
  console.log(lines.filter((l) => l.op !== 'history' && l.op !== 'publish' && l.op !== 'accepted' && l.op !== 'enqueue').map((l) => `${l.t} ${l.op} m${l.msg} ${l.instance ?? ''} ${l.attempt ?? ''} ${l.partition ?? ''}${l.offset !== undefined ? '@' + l.offset : ''} ${l.cause ?? l.reason ?? ''}`).join('\n'));
}

const cases: Record<string, string> = {
hb500: `
name: x
duration: 1ms
drain: 5s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 1s }], network: 200ms }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 2, service: "const(1400ms)", waitTime: 20s, heartbeat: { every: 500ms, extendTo: 1s } }]
`,
hb900: `
name: x
duration: 1ms
drain: 5s
system: { type: queue, queues: [{ name: q, visibilityTimeout: 1s }], network: 200ms }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 2, service: "const(1400ms)", waitTime: 20s, heartbeat: { every: 900ms, extendTo: 1s } }]
`,
incr: `
name: x
duration: 1ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 1 }], network: 200ms, partitionIncreases: [{ topic: t, at: 50ms, partitions: 2 }] }
producers: [{ name: p, rate: 0/s, backlog: 10 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", maxPollRecords: 10, rebalanceTime: 50ms, enableAutoCommit: true, autoOffsetReset: earliest }]
`,
sqs_leave_parked: `
name: x
duration: 1ms
drain: 30s
system: { type: queue, queues: [{ name: q }], network: 4ms }
producers: [{ name: p, rate: 0/s, backlog: 1 }]
consumers: [{ group: g, instances: 1, service: "const(10ms)", waitTime: 20s }]
faults: [{ kind: leave, group: g, instance: 0, at: 100ms }]
`,
};
describe('explore', () => {
  for (const [name, y] of Object.entries(cases)) it(name, () => { console.log('=== ' + name); dump(y); });
});
