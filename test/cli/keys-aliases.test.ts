/**
 * Keys from a list or a CSV column, and system.type aliases, as a user meets them through the
 * built CLI: exit 2 with the file, path and what was expected (no stack trace), CSV paths
 * relative to the scenario file, the same bytes for the same file and seed, and an alias
 * running as its canonical type.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'queuesim.js');

/** Runs the CLI from `/`, so that relative paths can only resolve against the scenario file. */
function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: '/' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

/** A scenario file in a fresh folder with `data/keys.csv` beside it; `exchange` for a broker. */
function scenarioFile(keys: string, type = 'workqueue', exchange?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-keys-cli-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'keys.csv'), 'customer_id,amount\na,1\nb,2\na,3\nc,4\n');
  writeFileSync(join(dir, 'data', 'empty.csv'), 'customer_id,amount\n');
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, `name: keys
duration: 30s
system: { type: ${type} }
producers:
  - name: p
    rate: 100/s
    keys: ${keys}
${exchange === undefined ? '' : `    exchange: ${exchange}\n`}consumers: [{ group: g, instances: 2, service: exp(5ms) }]
`);
  return file;
}

describe('keys from a CSV column', () => {
  it('finds the file relative to the scenario and gives the same bytes for the same seed', () => {
    const file = scenarioFile('{ csv: data/keys.csv, column: customer_id }');
    const a = cli('run', file, '--json', '--seed', '4');
    expect([a.code, a.err]).toEqual([0, '']);
    expect(JSON.parse(a.out).summary.produced).toBeGreaterThan(2500);
    expect(cli('run', file, '--json', '--seed', '4').out).toBe(a.out);
  });
});

describe('keys refusals exit 2 with file, path and what was expected', () => {
  const cases: [string, string, (file: string) => string][] = [
    ['a missing CSV file', '{ csv: data/nope.csv, column: customer_id }', (file) =>
      `${file}:7:18: producers[0].keys.csv: cannot read data/nope.csv ` +
        `(${join(file, '..', 'data', 'nope.csv')}): no such file`],
    ['an unknown column', '{ csv: data/keys.csv, column: customerid }', (file) =>
      `${file}:7:41: producers[0].keys.column: data/keys.csv has no column "customerid"; ` +
        'its columns: "customer_id", "amount"; did you mean "customer_id"?'],
    ['an empty column', '{ csv: data/empty.csv, column: customer_id }', (file) =>
      `${file}:7:42: producers[0].keys.column: column "customer_id" of data/empty.csv has no values`],
    ['count mixed with values', '{ count: 5, values: [a, b] }', (file) =>
      `${file}:7:11: producers[0].keys: keys take one of count, values or csv, not count and values`],
    ['a duplicate in the list', '{ values: [a, b, a] }', (file) =>
      `${file}:7:28: producers[0].keys.values[2]: key "a" is listed twice (first at values[0])`],
  ];
  for (const [what, keys, message] of cases) {
    it(what, () => {
      const file = scenarioFile(keys);
      for (const command of ['validate', 'run']) {
        const r = cli(command, file);
        expect(r.code).toBe(2);
        expect(r.err).toBe(`${message(file)}\n`);
        noStack(r.err);
      }
    });
  }
});

describe('system.type aliases', () => {
  it('validate accepts kafka, rabbitmq and sqs, and the committed schema lists them', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'scenario.schema.json'), 'utf8'));
    const types = schema.properties.system.oneOf.map((s: { properties: { type: { const?: string; enum?: string[] } } }) =>
      s.properties.type.enum ?? [s.properties.type.const]);
    expect(types).toEqual([['workqueue'], ['direct'], ['log', 'kafka'], ['broker', 'rabbitmq'], ['queue', 'sqs']]);
    const files = [
      scenarioFile('{ count: 3 }', 'kafka, topics: [{ name: t }]'),
      scenarioFile('{ count: 3 }', 'rabbitmq, exchanges: [{ name: e, type: fanout }], ' +
        'queues: [{ name: g, bindings: [{ exchange: e }] }]', 'e'),
      scenarioFile('{ count: 3 }', 'sqs, queues: [{ name: g }]'),
    ];
    const r = cli('validate', ...files);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.trim().split('\n')).toHaveLength(3);
  });

  it('run --json gives the canonical type\'s result, but for the echoed source and its hash', () => {
    const results = ['kafka', 'log'].map((type) => {
      const file = scenarioFile('{ values: [x, y, z] }', `${type}, topics: [{ name: t, partitions: 3 }]`);
      const r = cli('run', file, '--json');
      expect([r.code, r.err]).toEqual([0, '']);
      const result = JSON.parse(r.out);
      expect(result.meta.systemType).toBe('log');
      return JSON.stringify({ ...result, source: '', meta: { ...result.meta, scenarioHash: '' } });
    });
    expect(results[0]).toBe(results[1]);
  });

  it('an unknown type exits 2 and suggests the closest name', () => {
    const file = scenarioFile('{ count: 3 }', 'rabitmq');
    const r = cli('validate', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${file}:3:17: system.type: expected one of workqueue, direct, log, kafka, broker, ` +
      'rabbitmq, queue, sqs, got "rabitmq"; did you mean "rabbitmq"?\n');
  });
});
