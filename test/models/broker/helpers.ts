/** Broker test helpers: scenarios from inline YAML, with every delivery recorded in order. */
import { vi } from 'vitest';
import { Ledger } from '../../../src/observe/ledger.js';
import type { Result } from '../../../src/observe/result.js';
import { run } from '../../helpers.js';

export interface DeliveryRecord {
  tMs: number;
  group: string;
  id: number;
  attempt: number;
}

/** Runs the scenario and returns its result with every `delivered` fact, in order. */
export function runRecorded(yaml: string): { result: Result; deliveries: DeliveryRecord[] } {
  const deliveries: DeliveryRecord[] = [];
  const original = Ledger.prototype.deliver;
  const spy = vi.spyOn(Ledger.prototype, 'deliver').mockImplementation(function (
    this: Ledger,
    g: number,
    id: number,
    attempt: number,
  ) {
    deliveries.push({ tMs: this.now, group: this.groups[g].name, id, attempt });
    original.call(this, g, id, attempt);
  });
  try {
    return { result: run(yaml), deliveries };
  } finally {
    spy.mockRestore();
  }
}

/** Ids 0..n-1 offset by `from`. */
export function ids(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
