/**
 * The ledger's conformance check on every built-in scenario of up to 150,000 planned messages:
 * checker (from the history alone) = ledger (the summary). The larger ones, and the poison
 * pill with its 56 million lines, are in history-conformance.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { conformanceCases, expectHistoryEqualsLedger } from './history-conformance.js';

const cases = conformanceCases();

describe('history checker = ledger, on the built-ins', () => {
  it('covers every built-in scenario between this tier and the slow one', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => !c.heavy).length).toBeGreaterThanOrEqual(19);
  });

  for (const { name, scenario } of cases.filter((c) => !c.heavy)) {
    it(name, () => expectHistoryEqualsLedger(scenario));
  }
});
