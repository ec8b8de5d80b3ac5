/**
 * One scenario, another system (`--vary system.type=…`): what happens to the settings of the
 * system a scenario was written for. Each setting either
 * - carries over: the new type has a setting of the same meaning (a broker's queue `name` and a
 *   consumer's `queue` are a managed queue's `name` and `queue`; a managed-queue producer's
 *   `queue` is a broker producer's `routingKey` on the default exchange, and back);
 * - ends by design: a direct call's caller-side settings (`timeout`, `retries`, `backoff`,
 *   `maxBackoff`) and the downstream pool's wait list (`maxQueue`) describe a synchronous call;
 *   once a queue takes the message there is no caller waiting. They are dropped with a notice;
 * - or cannot carry over: the new type has nothing that means the same (a work queue's
 *   `maxLength` on a log, a broker's `prefetch` on a log). The variant is refused (exit 2),
 *   naming the field: a comparison that silently lost a setting would mislead.
 *
 * Consumer groups are the downstream service in every system, and producers, consumers,
 * faults and expectations keep their common fields unchanged.
 */
import { isMap, type Document } from 'yaml';
import { InputError, formatPath, type PathKey } from '../scenarios/issues.js';
import { findSystem } from '../scenarios/systems/index.js';

type Data = Record<string, unknown>;

/**
 * The direct call's settings that end where a queue takes the message: the caller's timeout
 * and retries, and the callers waiting for the downstream's pool (a queue holds them instead).
 */
const DIRECT_ENDS = ['timeout', 'retries', 'backoff', 'maxBackoff', 'maxQueue'];

const NAMES: Record<string, string> = { workqueue: 'a work queue', direct: 'a direct call', log: 'a log', broker: 'a broker', queue: 'a managed queue' };

/** Broker and managed queue: the sub-fields of `system.queues[]` that mean the same in both. */
const SHARED_QUEUE_FIELDS = ['name'];

/**
 * Rewrites `doc` (whose `system.type` was `from`, and is now `to`) for the new system. Returns
 * the notices for settings that end by design; throws an InputError for one that cannot carry
 * over.
 */
export function mapOntoSystem(doc: Document, from: string, to: string): string[] {
  const source = findSystem(from);
  const target = findSystem(to);
  // An unknown type: the schema reports it with the types that exist.
  if (source === undefined || target === undefined || source === target) return [];
  const [fromType, toType] = [source.type, target.type];
  const ended: string[] = [];
  const refusal = (path: PathKey[], what: string): InputError =>
    new InputError(`system.type=${to}: ${formatPath(path)} (${fromType}) cannot carry over to ${toType}: ${what}. ` +
      'Remove it from the scenario for this comparison, or compare systems that both have it');
  const data = doc.toJS() as Data;
  const system = (data.system ?? {}) as Data;
  const newSystem: Data = { type: to };
  for (const [key, value] of Object.entries(system)) {
    if (key === 'type' || value === null) continue;
    if (fromType === 'direct' && DIRECT_ENDS.includes(key)) {
      ended.push(`system.${key}`);
    } else if (key === 'queues' && ((fromType === 'broker' && toType === 'queue') || (fromType === 'queue' && toType === 'broker'))) {
      newSystem.queues = (value as Data[]).map((q, i) => {
        for (const sub of Object.keys(q)) {
          if (!SHARED_QUEUE_FIELDS.includes(sub)) throw refusal(['system', 'queues', i, sub], `the queues of ${NAMES[toType]} have no setting of that meaning`);
        }
        return { name: q.name };
      });
    } else {
      throw refusal(['system', key], `${NAMES[toType]} has no setting of that meaning`);
    }
  }
  doc.set('system', doc.createNode(newSystem));
  for (const section of ['producers', 'consumers'] as const) {
    const list = data[section];
    if (!Array.isArray(list)) continue;
    const foreign = Object.keys(section === 'producers' ? source.producerFields : source.consumerFields);
    list.forEach((entry: Data, i) => {
      const node = doc.getIn([section, i]);
      if (!isMap(node)) return;
      for (const key of foreign.filter((k) => k in entry)) {
        const carried = carryField(section, key, entry, fromType, toType);
        if (carried === null) throw refusal([section, i, key], `the ${section} of ${NAMES[toType]} have no setting of that meaning`);
        node.delete(key);
        if (carried !== undefined) for (const [k, v] of Object.entries(carried)) node.set(k, v);
      }
    });
  }
  if (ended.length === 0) return [];
  return [`system.type=${to}: ${ended.join(', ')} dropped: a direct call's caller and pool settings end where a queue takes the message`];
}

/**
 * A producer's or consumer's own field on the new system: the fields it becomes, `undefined`
 * when it is absorbed by another field's mapping, or null when nothing means the same.
 */
function carryField(section: 'producers' | 'consumers', key: string, entry: Data, from: string, to: string): Data | undefined | null {
  const pair = `${from}->${to}`;
  if (section === 'consumers') return key === 'queue' && (pair === 'broker->queue' || pair === 'queue->broker') ? { queue: entry.queue } : null;
  if (pair === 'queue->broker' && key === 'queue') return { routingKey: entry.queue };
  if (pair === 'broker->queue') {
    const defaultExchange = entry.exchange === undefined || entry.exchange === '';
    const plainKey = typeof entry.routingKey === 'string' && !entry.routingKey.includes('{key}');
    // The default exchange routes by queue name: the routing key is the queue.
    if (key === 'routingKey' && defaultExchange && plainKey) return { queue: entry.routingKey };
    if (key === 'exchange' && defaultExchange) return undefined;
  }
  return null;
}
