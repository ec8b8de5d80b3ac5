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

describe('explore', () => {
  for (const strat of ['cooperative-sticky', 'range']) it('log fetch in flight ' + strat, () => {
    dump(`
name: x
duration: 300ms
drain: 2s
system: { type: log, topics: [{ name: t, partitions: 2 }], network: 20ms }
producers:
  - { name: a, rate: 0/s, backlog: 2, partitioner: round-robin }
  - { name: b, rate: 0/s, arrivals: uniform, partitioner: round-robin, phases: [{ name: one, at: 194ms, duration: 2ms, rate: 500/s }] }
consumers: [{ group: g, instances: 2, service: "const(10ms)", rebalanceTime: 100ms, partitionAssignmentStrategy: ${strat} }]
faults: [{ kind: leave, group: g, instance: 1, at: 100ms }]
`);
  });
});
