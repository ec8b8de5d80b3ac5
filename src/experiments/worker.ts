/** The piscina worker: runs one replication (see runner.ts). Loaded from the compiled dist/. */
import { runTask, type RunDigest, type Task } from './runner.js';

export default function work(task: Task): RunDigest {
  return runTask(task);
}
