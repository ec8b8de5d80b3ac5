/**
 * Sweeps on batch runners: `--shard auto` reads the index a Kubernetes Indexed Job, an AWS
 * Batch array or a Slurm array gives each task; shards started that way merge into the bytes of
 * one unsharded sweep; a killed shard resumes without redoing a finished replication; and the
 * Kubernetes manifests in deploy/ say what an Indexed Job needs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shardFromEnv } from '../../src/experiments/shard-env.js';
import { resolveScenarioFile } from '../../src/scenarios/built-in.js';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'queuesim.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'queuesim-shard-'));

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('shardFromEnv', () => {
  it('reads a Kubernetes Indexed Job: a 0-based index, the count from --shards', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, 4)).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3' }, 4)).toEqual({ index: 4, count: 4 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, undefined)).toThrow(/pass --shards N/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4' }, 4)).toThrow(/index 4, outside 0\.\.3 for 4 shards/);
  });

  it('reads an AWS Batch array job, which publishes its size', () => {
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '2', AWS_BATCH_JOB_ARRAY_SIZE: '5' }, undefined)).toEqual({ index: 3, count: 5 });
  });

  it('reads a Slurm array counted from its first task id', () => {
    const env = { SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(shardFromEnv(env, undefined)).toEqual({ index: 3, count: 4 });
  });

  it('says what it looked for when there is no runner, and refuses junk', () => {
    expect(() => shardFromEnv({}, 4)).toThrow(/no shard index in the environment .*--shard i\/n/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: 'x' }, 4)).toThrow(/JOB_COMPLETION_INDEX="x" is not a whole number/);
  });
});

const SCENARIO = `name: shards
seed: 3
duration: 10s
system: { type: workqueue }
producers:
  - { name: p, rate: 200/s }
consumers:
  - { group: g, instances: 1, service: exp(10ms) }
expect:
  p99LatencyMs: "< 100"
`;
const GRID = ['--param', 'consumers[0].instances=2..6', '--seeds', '2', '--jobs', '1'];
const QUIET = ['--quiet', '--no-charts', '--no-html'];

describe('sweep --shard auto through the CLI', () => {
  const file = join(tmp(), 'shards.yaml');
  writeFileSync(file, SCENARIO);

  it('three Indexed-Job pods, then merge, give the bytes of one unsharded sweep', () => {
    const [whole, merged] = [tmp(), tmp()];
    expect(cli({}, 'sweep', file, ...GRID, '--out', whole, ...QUIET).code).toBe(0);
    const shards = [0, 1, 2].map((i) => {
      const out = tmp();
      const r = cli({ JOB_COMPLETION_INDEX: String(i) }, 'sweep', file, ...GRID, '--shard', 'auto', '--shards', '3', '--out', out, ...QUIET);
      expect([r.code, r.err]).toEqual([0, '']);
      return join(out, 'sweep.json');
    });
    expect(cli({}, 'merge', ...shards.reverse(), '--out', merged, ...QUIET).code).toBe(0);
    expect(readFileSync(join(merged, 'sweep.json'), 'utf8')).toBe(readFileSync(join(whole, 'sweep.json'), 'utf8'));
  });

  it('a killed shard resumes from its journal and redoes no finished replication', () => {
    const env = { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '2' };
    const [complete, killed] = [tmp(), tmp()];
    expect(cli(env, 'sweep', file, ...GRID, '--shard', 'auto', '--out', complete, ...QUIET).code).toBe(0);
    const journal = readFileSync(join(complete, 'points.jsonl'), 'utf8').trim().split('\n');
    // Shard 2 of 2 holds points 1 and 3: four replications after the header.
    expect(journal).toHaveLength(1 + 4);
    // What a SIGKILL leaves: the header, two finished replications and a torn line.
    const kept = journal.slice(0, 3);
    writeFileSync(join(killed, 'points.jsonl'), `${kept.join('\n')}\n${journal[3].slice(0, 20)}`);
    const r = cli(env, 'sweep', file, ...GRID, '--shard', 'auto', '--out', killed, '--resume', ...QUIET);
    expect(r.code).toBe(0);
    const resumed = readFileSync(join(killed, 'points.jsonl'), 'utf8').trim().split('\n').filter((l) => l.endsWith('}'));
    expect(resumed.slice(0, 3)).toEqual(kept);
    expect(resumed).toHaveLength(1 + 4); // two kept + two redone, none twice
    expect(readFileSync(join(killed, 'sweep.json'), 'utf8')).toBe(readFileSync(join(complete, 'sweep.json'), 'utf8'));
  });

  it('refuses --shards without --shard auto, and auto outside a runner', () => {
    expect(cli({}, 'sweep', file, ...GRID, '--shard', '1/2', '--shards', '2', '--json').err).toMatch(/--shards goes with --shard auto/);
    const r = cli({}, 'sweep', file, ...GRID, '--shard', 'auto', '--json');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/no shard index in the environment/)]);
  });
});

describe('deploy/', () => {
  const job = parse(readFileSync(join(ROOT, 'deploy', 'k8s', 'sweep-job.yaml'), 'utf8'));
  const merge = parse(readFileSync(join(ROOT, 'deploy', 'k8s', 'merge-job.yaml'), 'utf8'));
  const pvc = parse(readFileSync(join(ROOT, 'deploy', 'k8s', 'results-pvc.yaml'), 'utf8'));

  it('the sweep is an Indexed Job whose pods know how many shards there are', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    const { completions, parallelism } = job.spec;
    expect(Number.isInteger(completions) && parallelism >= 1 && parallelism <= completions).toBe(true);
    const script: string = job.spec.template.spec.containers[0].args[0];
    expect(script).toContain('--shard auto');
    expect(script).toContain(`--shards ${completions}`);
    expect(script).toContain('--resume');
    expect(script).toMatch(/--out \S*\$JOB_COMPLETION_INDEX/);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The scenario it sweeps is a built-in, so the image has it.
    const scenario = /queuesim sweep (\S+)/.exec(script)![1];
    expect(resolveScenarioFile(scenario)).toMatch(/scenarios\/flash-sale\.yaml$/);
  });

  it('the merge step reads every shard from the volume the shards write to', () => {
    const claim = (j: typeof job) => j.spec.template.spec.volumes[0].persistentVolumeClaim.claimName;
    expect(claim(job)).toBe(pvc.metadata.name);
    expect(claim(merge)).toBe(pvc.metadata.name);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/queuesim merge \/results\/flash-sale\/shard-\*\/sweep\.json/);
  });

  it('the image runs queuesim from the production install', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(dockerfile).toMatch(/libcairo2 libpango-1\.0-0/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["queuesim"\]$/m);
  });
});
