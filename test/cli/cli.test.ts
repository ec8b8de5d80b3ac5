/**
 * The CLI as a user runs it: exit codes, and error messages that name the problem without a
 * stack trace. The exit-code tests run the built bin (npm test builds first); the rest call
 * `main` in this process, which is the same code without the process start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './in-process.js';

const BIN = join(__dirname, '..', '..', 'bin', 'queuesim.js');

/** The built bin in a subprocess. */
function bin(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'queuesim-cli-'));

function scenarioFile(text: string): string {
  const file = join(tmp(), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

const SMALL = `name: small
duration: 1m
system: { type: workqueue }
producers: [{ name: p, rate: 50/s }]
consumers: [{ group: g, instances: 2, service: exp(10ms) }]
expect: { losses: 0 }
`;

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('exit codes', () => {
  it('0 when every expectation holds, with files written', () => {
    const out = tmp();
    const r = bin('run', 'crash-before-ack', '--out', out, '--no-charts');
    expect(r.err).toBe('queuesim 0.1.0: crash-before-ack, seed 7\n');
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASS');
    expect(readdirSync(out).sort()).toEqual(['report.html', 'result.json', 'timeseries.csv']);
  });

  it('1 when an expectation fails, with the command that reproduces it', () => {
    const r = bin('run', scenarioFile(SMALL.replace('losses: 0', 'processed: "< 10"')), '--out', tmp(), '--no-charts', '--no-html');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1 expectation\(s\) failed; reproduce with: queuesim run .* --seed 1/);
  });

  it('1 under --set, and the command that reproduces it keeps the --set flags', () => {
    const r = bin('run', scenarioFile(SMALL), '--set', 'expect={ processed: "< 10" }', '--out', tmp(), '--no-charts', '--no-html');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/reproduce with: queuesim run \S+ --set 'expect=\{ processed: "< 10" \}' --seed 1\n/);
  });

  it('2 for a missing file, naming it', () => {
    const r = bin('run', 'no-such-scenario.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toBe('cannot read scenario file "no-such-scenario.yaml": no such file\n');
  });

  it('2 for invalid YAML, with line and column', async () => {
    const file = scenarioFile('name: x\nproducers: [\n');
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:`);
    expect(r.err).toContain('invalid YAML');
    noStack(r.err);
  });

  it('2 for a bad unit, naming the path', async () => {
    const r = await cli('validate', scenarioFile(SMALL.replace('exp(10ms)', 'exp(10)')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/consumers\[0\]\.service: .*exp\(10\)/);
    noStack(r.err);
  });

  it('2 for a typo in a field, with a suggestion', async () => {
    const r = await cli('validate', scenarioFile(SMALL.replace('instances', 'instanses')));
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "instances"?');
  });

  it('2 for a usage error', async () => {
    const r = await cli('run', 'flash-sale', '--seed', 'abc');
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--seed <n>' argument 'abc' is invalid");
  });
});

describe('run --json', () => {
  it('prints the result contract and nothing else', async () => {
    const r = await cli('run', scenarioFile(SMALL), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const result = JSON.parse(r.out);
    expect(Object.keys(result)).toEqual(expect.arrayContaining([
      'queuesim', 'scenario', 'seed', 'summary', 'series', 'timeline', 'anomalies', 'expectations',
    ]));
    expect(Object.keys(result.summary.groups.g)).toEqual(expect.arrayContaining([
      'processed', 'duplicates', 'duplicatesSuppressed', 'redeliveries', 'losses', 'deadLettered',
      'backlogAtEnd', 'orderingViolations', 'maxLag', 'maxOldestAgeMs', 'latencyMs', 'recoveryMs',
    ]));
  });

  it('--seed changes the result, and the same seed repeats it byte for byte', async () => {
    const file = scenarioFile(SMALL);
    const a = (await cli('run', file, '--json', '--seed', '5')).out;
    expect((await cli('run', file, '--json', '--seed', '5')).out).toBe(a);
    expect((await cli('run', file, '--json', '--seed', '6')).out).not.toBe(a);
  });
});

describe('list, validate and schema', () => {
  it('lists the built-in scenarios with a description each', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^crash-before-ack\s+\S.*$/m);
    expect(r.out).toMatch(/^flash-sale\s+A 50x flash sale/m);
  });

  it('validates every built-in scenario', async () => {
    const dir = join(__dirname, '..', '..', 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
    const r = await cli('validate', ...files);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(files.length);
  });

  it('prints the JSON Schema that the committed schema file and the built-ins use', async () => {
    const r = await cli('schema');
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'scenario.schema.json'), 'utf8');
    expect(r.out).toBe(committed);
    const schema = JSON.parse(r.out);
    expect(schema.properties.consumers.items.properties.delivery.enum).toEqual([
      'at-most-once', 'at-least-once', 'effectively-once',
    ]);
    expect(existsSync(BIN)).toBe(true);
  });
});

describe('run --set', () => {
  it('overrides fields as compare and sweep do, and the result keeps the changed source', async () => {
    const file = scenarioFile(SMALL);
    const r = await cli('run', file, '--set', 'duration=2m', '--set', 'consumers[0].instances=3', '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.summary.simulatedMs).toBe(120_000);
    expect(result.source).toMatch(/duration: 2m/);
    expect(result.source).toMatch(/instances: 3/);
    // Without --set, the file as written.
    expect(JSON.parse((await cli('run', file, '--json')).out).summary.simulatedMs).toBe(60_000);
  });

  it('refuses a field the scenario does not have, naming the fields there', async () => {
    const r = await cli('run', scenarioFile(SMALL), '--set', 'consumers[0].instanses=3', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/consumers\[0\]\.instanses/);
    expect(r.err).toMatch(/instances/);
    noStack(r.err);
  });
});
