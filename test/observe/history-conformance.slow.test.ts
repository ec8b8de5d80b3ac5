/**
 * The slow tier of the ledger's conformance check (`npm run test:slow`): the built-ins of more
 * than 150,000 planned messages, and the poison pill, whose history has 56 million lines.
 */
import { describe, it } from 'vitest';
import { conformanceCases, expectHistoryEqualsLedger } from './history-conformance.js';

describe('history checker = ledger, on the large built-ins', () => {
  for (const { name, scenario } of conformanceCases().filter((c) => c.heavy)) {
    it(name, () => expectHistoryEqualsLedger(scenario));
  }
});
