/**
 * `--shard auto`: which slice of a sweep grid this process runs, read from the environment
 * that batch runners give each task of an array job. Their indexes count from 0; queuesim's
 * shards count from 1.
 *
 * - Kubernetes Indexed Job: JOB_COMPLETION_INDEX; the count is the Job's `completions`,
 *   which the pod does not see, so it comes from `--shards N`.
 *   https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
 * - AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE.
 *   https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html
 * - Slurm job array: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT.
 *   https://slurm.schedmd.com/job_array.html
 * A GitHub Actions matrix sets nothing of its own: pass `--shard ${{ matrix.shard }}/N`.
 */
import { InputError } from '../scenarios/issues.js';
import type { Shard } from './sweep.js';

type Env = Record<string, string | undefined>;

interface Runner {
  name: string;
  /** The 0-based index and, where the runner publishes it, the count; null when not this runner. */
  read(env: Env): { index: number; count?: number } | null;
}

const RUNNERS: Runner[] = [
  {
    name: 'a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)',
    read: (env) => (env.JOB_COMPLETION_INDEX === undefined ? null : { index: whole(env, 'JOB_COMPLETION_INDEX') }),
  },
  {
    name: 'an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX)',
    read: (env) =>
      env.AWS_BATCH_JOB_ARRAY_INDEX === undefined
        ? null
        : {
            index: whole(env, 'AWS_BATCH_JOB_ARRAY_INDEX'),
            count: env.AWS_BATCH_JOB_ARRAY_SIZE === undefined ? undefined : whole(env, 'AWS_BATCH_JOB_ARRAY_SIZE'),
          },
  },
  {
    name: 'a Slurm job array (SLURM_ARRAY_TASK_ID)',
    read: (env) =>
      env.SLURM_ARRAY_TASK_ID === undefined
        ? null
        : {
            index: whole(env, 'SLURM_ARRAY_TASK_ID') - (env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : whole(env, 'SLURM_ARRAY_TASK_MIN')),
            count: env.SLURM_ARRAY_TASK_COUNT === undefined ? undefined : whole(env, 'SLURM_ARRAY_TASK_COUNT'),
          },
  },
];

/** The shard of `--shard auto`; `shards` is `--shards N`, which wins over the runner's count. */
export function shardFromEnv(env: Env, shards: number | undefined): Shard {
  for (const runner of RUNNERS) {
    const found = runner.read(env);
    if (found === null) continue;
    const count = shards ?? found.count;
    if (count === undefined) {
      throw new InputError(`--shard auto: running in ${runner.name}, which does not say how many shards there are; pass --shards N (the Job's completions)`);
    }
    if (found.index < 0 || found.index >= count) {
      throw new InputError(`--shard auto: ${runner.name} gives index ${found.index}, outside 0..${count - 1} for ${count} shards`);
    }
    return { index: found.index + 1, count };
  }
  throw new InputError(
    '--shard auto: no shard index in the environment (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX ' +
      'or SLURM_ARRAY_TASK_ID); elsewhere pass --shard i/n, like --shard 2/4',
  );
}

function whole(env: Env, name: string): number {
  const text = env[name] ?? '';
  if (!/^\d+$/.test(text)) throw new InputError(`--shard auto: ${name}="${text}" is not a whole number`);
  return Number(text);
}
