/**
 * Keys from an explicit list or a CSV column: the names as given, one KeyId per name across
 * producers, the list drawn from the producer's own `keys` stream, the CSV column replayed in
 * row order, and every refusal with its path.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/run.js';
import { addKeySpaces } from '../../src/scenarios/keys.js';
import { ScenarioError } from '../../src/scenarios/issues.js';
import { Ledger, NO_KEY } from '../../src/observe/ledger.js';
import { listChooser } from '../../src/models/keys.js';
import { partitionForKey } from '../../src/models/log/murmur2.js';
import { Rng } from '../../src/sim/rng.js';

/** A folder with the CSV files the scenarios below name. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-keys-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const CSV = 'customer_id,amount\na,10\nb,20\na,30\nc,40\n';

/** One log producer of 11 evenly spaced messages (at 1/12 s … 11/12 s) with these keys. */
function scenario(keys: string, extra = ''): string {
  return `name: keys
seed: 3
duration: 1s
system: { type: log, topics: [{ name: t, partitions: 10 }] }
producers:
  - { name: p, rate: 12/s, arrivals: uniform, keys: ${keys} }
${extra}consumers: [{ group: g, service: const(1ms) }]
`;
}

/** The key names of the first `n` messages a producer's chooser gives, as the run wires it. */
function firstKeys(yaml: string, dir: string, n: number, producer = 0): (string | null)[] {
  const s = parseScenario(yaml, join(dir, 'keys.yaml'), { baseDir: dir });
  const ledger = new Ledger();
  const choose = addKeySpaces(ledger, s.keys)[producer]!();
  const random = new Rng(s.spec.seed).stream(`producer/${s.spec.producers[producer].name}/keys`);
  return Array.from({ length: n }, () => ledger.keyName(choose(random)));
}

function errorsOf(yaml: string, dir = '.'): string[] {
  try {
    parseScenario(yaml, 'bad.yaml', { baseDir: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the scenario to be refused');
}

/** Records per partition of topic t, for the given key of each message. */
function recordsByPartition(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) {
    const name = `t-${partitionForKey(key, 10)}`;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

function nonEmptyPartitions(partitions: Record<string, { records: number }> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(partitions ?? {}).filter(([, p]) => p.records > 0).map(([n, p]) => [n, p.records]));
}

describe('keys from a list', () => {
  it('names the keys as given and draws them from the producer/<name>/keys stream', () => {
    const yaml = scenario('{ values: [abc, "21", foobar], skew: zipf(1.2) }');
    const keys = firstKeys(yaml, '.', 200);
    expect(new Set(keys)).toEqual(new Set(['abc', '21', 'foobar']));
    // The same draws as a chooser over [0, 1, 2] on that stream: zipf ranks in list order.
    const chooser = listChooser([0, 1, 2], { kind: 'zipf', s: 1.2 });
    const random = new Rng(3).stream('producer/p/keys');
    expect(keys).toEqual(Array.from({ length: 200 }, () => ['abc', '21', 'foobar'][chooser(random)]));
    expect(keys.filter((k) => k === 'abc').length).toBeGreaterThan(keys.filter((k) => k === 'foobar').length);
  });

  it('routes each key to its own partition, murmur2 of the name as given', () => {
    const yaml = scenario('{ values: [abc, "21", foobar] }');
    const result = runScenario(parseScenario(yaml, 'keys.yaml'));
    expect(result.summary.produced).toBe(11);
    const keys = firstKeys(yaml, '.', 11) as string[];
    expect(nonEmptyPartitions(result.summary.partitions)).toEqual(recordsByPartition(keys));
  });

  it('takes the empty string as a key, hashed as Kafka hashes it', () => {
    // murmur2 of zero bytes: h = 0x9747b28c ^ 0 = 0x9747b28c, then the final mix gives
    // 275646681; 275646681 % 10 = 1. Every record of the key "" goes to t-1.
    const yaml = scenario('{ values: [""] }');
    expect(firstKeys(yaml, '.', 3)).toEqual(['', '', '']);
    const result = runScenario(parseScenario(yaml, 'keys.yaml'));
    expect(nonEmptyPartitions(result.summary.partitions)).toEqual({ 't-1': 11 });
  });

  it('shares a key between producers that name it, with prefixes and with other lists', () => {
    const yaml = `name: shared
duration: 1s
system: { type: workqueue }
producers:
  - { name: a, rate: 1/s, keys: { count: 2, prefix: user- } }
  - { name: b, rate: 1/s, keys: { values: [user-1, vip] } }
  - { name: c, rate: 1/s, keys: { values: [vip, user-7] } }
consumers: [{ group: g, service: const(1ms) }]
`;
    const ledger = new Ledger();
    const s = parseScenario(yaml, 'shared.yaml');
    addKeySpaces(ledger, s.keys);
    expect(Array.from({ length: ledger.keyCount }, (_, k) => ledger.keyName(k))).toEqual(['user-0', 'user-1', 'vip', 'user-7']);
    expect(ledger.addKeyNames(['vip', 'user-1', 'new'])).toEqual([2, 1, 4]);
  });

  it('checks ordering per key name across producers', () => {
    // Two producers send the one key "hot" to two competing consumers: they overtake each other.
    const yaml = `name: hot
seed: 2
duration: 10s
system: { type: workqueue }
producers:
  - { name: a, rate: 50/s, keys: { values: [hot] } }
  - { name: b, rate: 50/s, keys: { values: [hot] } }
consumers: [{ group: g, instances: 2, service: exp(30ms) }]
`;
    const result = runScenario(parseScenario(yaml, 'hot.yaml'));
    expect(result.summary.groups.g.orderingViolations).toBeGreaterThan(0);
    const examples = Object.values(result.anomalies).flat().filter((a) => a.kind === 'ordering-violation');
    expect(examples.length).toBeGreaterThan(0);
    expect(new Set(examples.map((a) => a.key))).toEqual(new Set(['hot']));
  });
});

describe('keys from a CSV column', () => {
  const dir = folder({
    'keys.csv': CSV, 'gaps.csv': 'k,v\nx,1\n,2\ny,3\n', 'one.csv': 'user\nu1\nu2\n', 'quoted.csv': 'k,v\nx,1\n"",2\n,3\n',
  });

  it('replays the column in row order: message i carries row i mod rows', () => {
    const yaml = scenario('{ csv: keys.csv, column: customer_id }');
    expect(firstKeys(yaml, dir, 6)).toEqual(['a', 'b', 'a', 'c', 'a', 'b']);
  });

  it('draws nothing from the keys stream', () => {
    const s = parseScenario(scenario('{ csv: keys.csv, column: customer_id }'), 'k.yaml', { baseDir: dir });
    const choose = addKeySpaces(new Ledger(), s.keys)[0]!();
    const never = (): number => {
      throw new Error('a replayed sequence drew a random number');
    };
    expect(() => choose(never)).not.toThrow();
  });

  it('maps one value to one key, and an empty cell to a message without a key', () => {
    const ledger = new Ledger();
    const s = parseScenario(scenario('{ csv: gaps.csv, column: k }'), 'k.yaml', { baseDir: dir });
    const choose = addKeySpaces(ledger, s.keys)[0]!();
    expect(Array.from({ length: 4 }, () => choose(() => 0))).toEqual([0, NO_KEY, 1, 0]);
    expect(ledger.keyCount).toBe(2);
  });

  it('reads a quoted "" as the empty key, and an empty cell as no key', () => {
    // Rows: x, "" (quoted: the empty key), an empty cell (no key).
    expect(firstKeys(scenario('{ csv: quoted.csv, column: k }'), dir, 4)).toEqual(['x', '', null, 'x']);
  });

  it('reads a one-column file without `column`', () => {
    expect(firstKeys(scenario('{ csv: one.csv }'), dir, 3)).toEqual(['u1', 'u2', 'u1']);
  });

  it('routes the replayed keys to their partitions, the file relative to the scenario', () => {
    const file = join(dir, 'keys.yaml');
    writeFileSync(file, scenario('{ csv: keys.csv, column: customer_id }'));
    const result = runScenario(parseScenario(scenario('{ csv: keys.csv, column: customer_id }'), file, { baseDir: dir }));
    expect(result.summary.produced).toBe(11);
    const keys = Array.from({ length: 11 }, (_, i) => ['a', 'b', 'a', 'c'][i % 4]);
    expect(nonEmptyPartitions(result.summary.partitions)).toEqual(recordsByPartition(keys));
  });

  it('starts the backlog at the first row too, leaving live traffic unchanged', () => {
    const yaml = scenario('{ csv: keys.csv, column: customer_id }');
    const withBacklog = yaml.replace('arrivals: uniform,', 'arrivals: uniform, backlog: 3,');
    const [live, both] = [yaml, withBacklog].map((y) => runScenario(parseScenario(y, 'k.yaml', { baseDir: dir })));
    expect(both.summary.produced).toBe(14);
    const keys = [...['a', 'b', 'a'], ...Array.from({ length: 11 }, (_, i) => ['a', 'b', 'a', 'c'][i % 4])];
    expect(nonEmptyPartitions(both.summary.partitions)).toEqual(recordsByPartition(keys));
    expect(live.summary.produced).toBe(11);
  });

  it('gives the same bytes for the same file and seed', () => {
    const run = () =>
      JSON.stringify(runScenario(parseScenario(scenario('{ csv: keys.csv, column: customer_id }'), 'k.yaml', { baseDir: dir })));
    expect(run()).toBe(run());
  });
});

describe('refusals', () => {
  const dir = folder({ 'keys.csv': CSV, 'header.csv': 'customer_id,amount\n', 'blank.csv': 'customer_id,amount\n,1\n,2\n' });

  it('names a missing CSV file, with the path it looked at', () => {
    expect(errorsOf(scenario('{ csv: nope.csv, column: customer_id }'), dir)).toEqual([
      `bad.yaml:6:60: producers[0].keys.csv: cannot read nope.csv (${join(dir, 'nope.csv')}): no such file`,
    ]);
  });

  it('suggests the closest column for an unknown one', () => {
    expect(errorsOf(scenario('{ csv: keys.csv, column: custmer_id }'), dir)).toEqual([
      'bad.yaml:6:78: producers[0].keys.column: keys.csv has no column "custmer_id"; ' +
        'its columns: "customer_id", "amount"; did you mean "customer_id"?',
    ]);
  });

  it('asks which column when the file has several', () => {
    expect(errorsOf(scenario('{ csv: keys.csv }'), dir)).toEqual([
      'bad.yaml:6:60: producers[0].keys.csv: keys.csv has columns "customer_id", "amount"; ' +
        'say which with column, like column: customer_id',
    ]);
  });

  it('refuses an empty column: no rows, or only empty cells', () => {
    for (const file of ['header.csv', 'blank.csv']) {
      expect(errorsOf(scenario(`{ csv: ${file}, column: customer_id }`), dir)).toEqual([
        `bad.yaml:6:${file === 'header.csv' ? 80 : 79}: producers[0].keys.column: column "customer_id" of ${file} has no values`,
      ]);
    }
  });

  it('refuses count mixed with values or csv, and keys with none of them', () => {
    expect(errorsOf(scenario('{ count: 3, values: [a, b] }'))).toEqual([
      'bad.yaml:6:53: producers[0].keys: keys take one of count, values or csv, not count and values',
    ]);
    expect(errorsOf(scenario('{ count: 3, csv: keys.csv, column: customer_id }'), dir)).toEqual([
      'bad.yaml:6:53: producers[0].keys: keys take one of count, values or csv, not count and csv',
    ]);
    expect(errorsOf(scenario('{ skew: zipf(1) }'))).toEqual([
      'bad.yaml:6:53: producers[0].keys: keys need one of count, values or csv',
    ]);
  });

  it('names a duplicate in the list by its path', () => {
    expect(errorsOf(scenario('{ values: [a, b, a] }'))).toEqual([
      'bad.yaml:6:70: producers[0].keys.values[2]: key "a" is listed twice (first at values[0])',
    ]);
  });

  it('refuses settings that do not apply to the source', () => {
    expect(errorsOf(scenario('{ values: [a], prefix: k- }'))).toEqual([
      'bad.yaml:6:76: producers[0].keys.prefix: `prefix` names count keys; values and csv keys are named as given',
    ]);
    expect(errorsOf(scenario('{ csv: keys.csv, column: customer_id, skew: zipf(1) }'), dir)).toEqual([
      'bad.yaml:6:97: producers[0].keys.skew: csv keys are replayed in row order; `skew` does not apply',
    ]);
    expect(errorsOf(scenario('{ count: 3, column: customer_id }'))).toEqual([
      'bad.yaml:6:73: producers[0].keys.column: `column` goes with `csv`',
    ]);
  });
});
