import { describe, expect, it } from 'vitest';
import { formatActual, formatCount, formatSpan, renderSummary, summaryRows } from '../../src/report/summary.js';
import { formatDuration } from '../../src/scenarios/units.js';
import { sampleResult } from './fixture.js';

const ESC = '\u001b';

describe('renderSummary', () => {
  const result = sampleResult();
  const plain = renderSummary(result, { color: false });

  it('starts with a header: scenario, seed, simulated time, events, message counts', () => {
    const header = plain.split('\n')[0];
    expect(header).toBe(
      [
        'flash-sale-broker',
        'seed 42',
        `simulated ${formatDuration(1_200_000)}`,
        'events 1,234,567',
        'produced 195,000',
        'accepted 194,988',
        'rejected 12 (max-length 12)',
      ].join('  '),
    );
  });

  it('says how many records a producer still awaited an ack for at the end', () => {
    const stuck = sampleResult();
    stuck.summary.accepted -= 300; // e.g. a log partition offline at the end
    stuck.summary.awaitingAck = 300;
    expect(renderSummary(stuck, { color: false }).split('\n')[0]).toContain('rejected 12 (max-length 12)  awaiting ack 300');
    expect(plain.split('\n')[0]).not.toContain('awaiting ack');
  });

  it('has one table per group with every number', () => {
    expect(plain).toMatch(/│ billing +│/);
    expect(plain).toMatch(/│ email +│/);
    const rowOf = (label: string) =>
      plain.split('\n').filter((line) => new RegExp(`^│ +${label} `).test(line));
    expect(rowOf('duplicates')[0]).toContain('7 (+3 suppressed)');
    expect(rowOf('losses')[1]).toMatch(/│ +3 │$/);
    expect(rowOf('crash-after-ack')[0]).toMatch(/│ +2 │$/);
    expect(rowOf('dead-lettered')[1]).toMatch(/│ +5 │$/);
    expect(rowOf('delivery-limit')[0]).toMatch(/│ +5 │$/);
    expect(rowOf('ordering violations')[1]).toMatch(/│ +2 │$/);
    // Shown rounded: 3 significant figures, whole seconds past a minute.
    expect(rowOf('latency p50 / p99 / max')[0]).toContain('31ms / 5m45s / 7m40s');
    expect(rowOf('max lag')[0]).toMatch(/│ +69,000 │$/);
    expect(rowOf('max oldest age')[0]).toContain('3m50s │');
    expect(rowOf('backlog at end')[1]).toMatch(/│ +93,000 │$/);
    expect(rowOf('recovery after flash-sale')[0]).toContain(formatDuration(95_000));
    expect(rowOf('recovery after flash-sale')[1]).toMatch(/│ +never │$/);
  });

  it('a group that processed nothing has no latency, not a latency of 0', () => {
    const none = sampleResult();
    const g = Object.values(none.summary.groups)[0];
    g.latencyMs = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const text = renderSummary(none, { color: false });
    expect(text).toMatch(/│ latency p50 \/ p99 \/ max +│ +— \(none processed\) │/);
  });

  it('ends with the expectations and their verdicts', () => {
    const tail = plain.trimEnd().split('\n').slice(-4);
    expect(tail).toEqual([
      'expectations',
      '  PASS  billing.recoveryMs < 2m  (actual 1m35s)',
      '  FAIL  email.losses == 0  (actual 3)',
      '  1 of 2 failed',
    ]);
  });

  it('contains no ANSI escape without colour', () => {
    expect(plain).not.toContain(ESC);
  });

  it('colours verdicts when asked', () => {
    const coloured = renderSummary(result, { color: true });
    expect(coloured).toContain(`${ESC}[31m${ESC}[1mFAIL${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[32m${ESC}[1mPASS${ESC}[0m`);
  });

  it('is deterministic', () => {
    expect(renderSummary(sampleResult(), { color: false })).toBe(plain);
  });

  it('leaves out the expectations block when there are none', () => {
    const text = renderSummary(sampleResult({ expectations: [] }), { color: false });
    expect(text).not.toContain('expectations');
    expect(text.endsWith('┘\n')).toBe(true);
  });
});

describe('summaryRows', () => {
  it('lists loss causes and dead-letter reasons under their totals', () => {
    const rows = summaryRows(sampleResult().summary.groups.email);
    const labels = rows.map((r) => r.label);
    expect(labels.slice(4, 9)).toEqual([
      'losses',
      '  crash-after-ack',
      '  retention',
      'dead-lettered',
      '  delivery-limit',
    ]);
    expect(rows.find((r) => r.label === 'losses')?.tone).toBe('bad');
    expect(rows.find((r) => r.label === 'recovery after flash-sale')).toEqual({
      label: 'recovery after flash-sale',
      value: 'never',
      tone: 'bad',
    });
  });
});

describe('formatCount and formatActual', () => {
  it('groups thousands without the locale', () => {
    expect([0, 999, 1000, 1_234_567, -4500].map(formatCount)).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '-4,500',
    ]);
    expect(formatCount(12.345)).toBe('12.35');
  });

  it('shows n/a for an expectation with nothing measured', () => {
    expect(formatActual(null)).toBe('n/a');
    expect(formatActual(0.12345)).toBe('0.123');
  });
});

describe('formatSpan', () => {
  it('rounds to 3 significant figures, and to whole seconds past a minute', () => {
    expect([0, 0.01234, 50.015, 9502.719, 201195.519, 7_260_000.4].map(formatSpan)).toEqual([
      '0ms', '12us', '50ms', '9.5s', '3m21s', '2h1m',
    ]);
  });
});
