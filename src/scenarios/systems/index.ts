/** Every system a scenario can name in `system.type`. Add a system here, once. */
import type { AnySystemPlugin } from './plugin.js';
import { workQueue } from './work-queue.js';
import { direct } from './direct.js';
import { log } from './log.js';
import { broker } from './broker.js';
import { queue } from './queue.js';

export const SYSTEMS: readonly AnySystemPlugin[] = [workQueue, direct, log, broker, queue];

/**
 * Other names users know a system by (README, "Systems"): accepted wherever a type is, and turned into
 * the canonical type when the scenario is parsed, so the rest of queuesim sees one name.
 */
export const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  kafka: 'log',
  rabbitmq: 'broker',
  sqs: 'queue',
};

/** The plugin for a type or one of its aliases, or undefined. */
export function findSystem(type: unknown): AnySystemPlugin | undefined {
  const canonical = typeof type === 'string' ? (SYSTEM_ALIASES[type] ?? type) : type;
  return SYSTEMS.find((s) => s.type === canonical);
}

export function systemPlugin(type: string): AnySystemPlugin {
  const plugin = findSystem(type);
  if (plugin === undefined) throw new Error(`no system plugin for type "${type}"`);
  return plugin;
}

/** The aliases of a canonical type. */
export function aliasesOf(type: string): string[] {
  return Object.keys(SYSTEM_ALIASES).filter((alias) => SYSTEM_ALIASES[alias] === type);
}
