/**
 * Runs replication tasks, in-process (`jobs` = 1) or on piscina worker threads. Results are
 * handed back by task index, whatever order they finish in, so the output never depends on
 * `jobs`. Workers need compiled JavaScript: the pool loads `worker.js` next to this file, which
 * exists when queuesim runs from dist/; run from TypeScript sources it falls back to in-process.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runTask, type RunDigest, type Task } from './runner.js';

export interface PoolOptions {
  jobs: number;
  /** Called as each task finishes (in completion order). */
  onDone?: (index: number, digest: RunDigest) => void;
  /** Called once when workers were asked for but are unavailable. */
  onNotice?: (message: string) => void;
}

/** The worker file next to this module, or null when running from sources. */
export function workerFile(): string | null {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url.href : null;
}

export async function runTasks(tasks: Task[], options: PoolOptions): Promise<RunDigest[]> {
  const results: RunDigest[] = new Array(tasks.length);
  // More threads than tasks would only idle.
  const jobs = Math.max(1, Math.min(options.jobs, tasks.length));
  const file = jobs > 1 ? workerFile() : null;
  if (jobs > 1 && file === null) {
    options.onNotice?.('worker threads need the compiled queuesim (dist/); running in one thread\n');
  }
  if (file === null) {
    for (let i = 0; i < tasks.length; i++) {
      results[i] = runTask(tasks[i]);
      options.onDone?.(i, results[i]);
      // Let a Ctrl-C handler or a progress redraw run between replications.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  }
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: file, minThreads: jobs, maxThreads: jobs });
  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        const digest = (await pool.run(task)) as RunDigest;
        results[i] = digest;
        options.onDone?.(i, digest);
      }),
    );
  } finally {
    await pool.destroy();
  }
  return results;
}
