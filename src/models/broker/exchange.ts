/**
 * Exchanges and bindings: where a published message goes.
 *
 * - direct: bindings whose key equals the routing key;
 * - fanout: every binding;
 * - topic: bindings whose pattern matches the routing key (`*` one word, `#` zero or more);
 * - headers: bindings whose arguments match the message headers (`x-match` all, any,
 *   all-with-x or any-with-x);
 * - the default exchange `""`: every queue by its own name.
 *
 * A queue gets one copy even when several of its bindings match. Destinations come out in
 * binding order, so the order copies are enqueued in is fixed by the scenario file.
 */
import { topicMatches } from './topic.js';

export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';
export const EXCHANGE_TYPES: readonly ExchangeType[] = ['direct', 'fanout', 'topic', 'headers'];

export interface Binding {
  /** Destination queue index. */
  queue: number;
  /** Binding key (direct, topic); ignored by fanout and headers. */
  key: string;
  /** Binding arguments (headers exchanges). */
  arguments: Readonly<Record<string, string>>;
}

export type Headers = Readonly<Record<string, string>>;

export class Exchange {
  readonly bindings: Binding[] = [];

  constructor(
    readonly name: string,
    readonly type: ExchangeType,
    /** Where unroutable messages go instead; null for none. */
    readonly alternateExchange: string | null,
  ) {}

  bind(binding: Binding): void {
    this.bindings.push(binding);
  }

  /** The destination queues of a message, each once, in binding order. */
  route(routingKey: string, headers: Headers): number[] {
    const out: number[] = [];
    for (const b of this.bindings) {
      if (!this.matches(b, routingKey, headers)) continue;
      if (!out.includes(b.queue)) out.push(b.queue);
    }
    return out;
  }

  private matches(b: Binding, routingKey: string, headers: Headers): boolean {
    switch (this.type) {
      case 'direct':
        return b.key === routingKey;
      case 'fanout':
        return true;
      case 'topic':
        return topicMatches(b.key, routingKey);
      case 'headers':
        return headersMatch(b.arguments, headers);
    }
  }
}

/**
 * `x-match: all` (the default) or `any` over the binding's arguments, ignoring those that start
 * with `x-`; `all-with-x` and `any-with-x` compare the `x-` arguments too (but never `x-match`).
 */
export function headersMatch(args: Headers, headers: Headers): boolean {
  const mode = args['x-match'] ?? 'all';
  const any = mode === 'any' || mode === 'any-with-x';
  const withX = mode.endsWith('-with-x');
  let matched = 0;
  let total = 0;
  for (const [name, value] of Object.entries(args)) {
    if (name === 'x-match' || (!withX && name.startsWith('x-'))) continue;
    total++;
    if (Object.hasOwn(headers, name) && headers[name] === value) matched++;
  }
  // RabbitMQ: `all` with no arguments matches every message; `any` with none matches none.
  return any ? matched > 0 : matched === total;
}
