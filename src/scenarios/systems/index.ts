/** Every system a scenario can name in `system.type`. Add a system here, once. */
import type { SystemPlugin } from './plugin.js';
import { workQueue } from './work-queue.js';
import { direct } from './direct.js';
import { log } from './log.js';
import { broker } from './broker.js';
import { queue } from './queue.js';

export const SYSTEMS: readonly SystemPlugin[] = [workQueue, direct, log, broker, queue];

export function systemPlugin(type: string): SystemPlugin {
  const plugin = SYSTEMS.find((s) => s.type === type);
  if (plugin === undefined) throw new Error(`no system plugin for type "${type}"`);
  return plugin;
}
