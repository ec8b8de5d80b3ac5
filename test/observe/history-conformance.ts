/**
 * The ledger's conformance check, shared by the fast and slow tiers: for a built-in scenario,
 * the counts the checker derives from the recorded history alone (each line through JSON, as
 * a reader of history.jsonl.gz sees it) equal the summary the ledger folded in the same run.
 */
import { expect } from 'vitest';
import { builtInScenarios } from '../../src/scenarios/built-in.js';
import { loadScenario, type Scenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { HistoryChecker, type HistoryOp } from '../../src/observe/history-check.js';

const SLOW_ABOVE_MESSAGES = 150_000;
/** Few messages, many lines: a poison record re-fetched with its batch about 110,000 times. */
const MANY_LINES: ReadonlySet<string> = new Set(['log-poison-pill']);

export interface ConformanceCase {
  name: string;
  scenario: Scenario;
  /** Takes minutes with a history: the slow tier runs it. */
  heavy: boolean;
}

export function conformanceCases(): ConformanceCase[] {
  return builtInScenarios().map(({ name, file }) => {
    const scenario = loadScenario(file);
    const heavy = scenario.plannedMessages > SLOW_ABOVE_MESSAGES || MANY_LINES.has(name);
    return { name, scenario, heavy };
  });
}

export function expectHistoryEqualsLedger(scenario: Scenario): void {
  const checker = new HistoryChecker();
  const verdicts: Record<string, number> = { duplicate: 0, loss: 0, 'ordering-violation': 0 };
  let lastT = 0;
  let disordered = 0;
  const { summary } = runScenario(scenario, {
    history: {
      sink: {
        write(line) {
          const op = JSON.parse(line) as HistoryOp;
          if (op.op !== 'history' && op.t < lastT) disordered++;
          lastT = op.t ?? lastT;
          if (op.op in verdicts) verdicts[op.op]++;
          checker.feed(op);
        },
      },
    },
  });
  const checked = checker.checked;
  expect(disordered).toBe(0);
  expect({
    produced: checked.produced,
    accepted: checked.accepted,
    rejected: checked.rejected,
    duplicateAppends: checked.duplicateAppends,
  }).toEqual({
    produced: summary.produced,
    accepted: summary.accepted,
    rejected: summary.rejectedByCause,
    duplicateAppends: summary.duplicateAppends,
  });
  let duplicates = 0;
  let losses = 0;
  let violations = 0;
  for (const [group, s] of Object.entries(summary.groups)) {
    const h = checked.groups[group];
    expect(h, `group ${group} has history lines`).toBeDefined();
    expect({ group, ...h }).toEqual({
      group,
      deliveries: s.deliveries,
      redeliveries: s.redeliveries,
      processed: s.processed,
      duplicates: s.duplicates,
      duplicatesSuppressed: s.duplicatesSuppressed,
      replayed: s.replayed ?? 0,
      failures: s.failures,
      losses: s.losses.byCause,
      deadLettered: s.deadLetteredByReason,
      orderingViolations: s.orderingViolations,
      backlogAtEnd: s.backlogAtEnd,
    });
    duplicates += s.duplicates;
    losses += s.losses.total;
    violations += s.orderingViolations;
  }
  // The ledger's own verdict lines say the same as the checker's derivation.
  expect(verdicts).toEqual({ duplicate: duplicates, loss: losses, 'ordering-violation': violations });
}
