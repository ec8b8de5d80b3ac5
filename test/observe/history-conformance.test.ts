/**
 * The ledger's conformance check: for every built-in scenario, the counts the checker derives
 * from the recorded history alone (each line through JSON, as a reader of history.jsonl.gz
 * sees it) equal the summary the ledger folded during the same run.
 *
 * Built-ins of more than 150,000 planned messages (and the poison pill, whose record is
 * re-fetched with its batch about 110,000 times: 56 million lines) take minutes with a
 * history; they run with QUEUESIM_SLOW=1.
 */
import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/scenarios/built-in.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { HistoryChecker, type HistoryOp } from '../../src/observe/history-check.js';

const SLOW_ABOVE_MESSAGES = 150_000;
const SLOW_LINES: ReadonlySet<string> = new Set(['log-poison-pill']);
const slow = process.env.QUEUESIM_SLOW === '1';

const cases = builtInScenarios().map(({ name, file }) => {
  const scenario = loadScenario(file);
  const heavy = scenario.plannedMessages > SLOW_ABOVE_MESSAGES || SLOW_LINES.has(name);
  return { name, scenario, heavy };
});

describe('history checker = ledger, on every built-in', () => {
  it('covers every built-in scenario', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const { name, scenario, heavy } of cases) {
    it.skipIf(heavy && !slow)(`${name}`, () => {
      const checker = new HistoryChecker();
      const verdicts = { duplicate: 0, loss: 0, 'ordering-violation': 0 } as Record<string, number>;
      let lastT = 0;
      let disordered = 0;
      const result = runScenario(scenario, {
        history: {
          sink: {
            write(line) {
              const op = JSON.parse(line) as HistoryOp;
              if (op.op === 'history') return;
              if (op.t < lastT) disordered++;
              lastT = op.t;
              if (op.op in verdicts) verdicts[op.op]++;
              checker.feed(op);
            },
          },
        },
      });
      const { summary } = result;
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
    });
  }
});
