/**
 * `system.type: broker`: a routing broker with RabbitMQ (AMQP 0-9-1) semantics: exchanges
 * (direct, fanout, topic, headers, the default exchange), classic and quorum queues, prefetch,
 * acks, requeues, dead-letter exchanges, TTL and length limits. Settings use RabbitMQ's own
 * names in camelCase (`x-message-ttl` → `messageTtl`, `x-dead-letter-exchange` →
 * `deadLetterExchange`, …).
 *
 * Each `consumers[]` entry consumes one queue (`queue`, default its group name), and the
 * queue's ledger group is that entry's group. A queue nobody consumes (a DLQ, a parking lot)
 * still gets a group of its own, named after it, so its dead letters and backlog show.
 */
import { z } from 'zod';
import { ConsumerInstance } from '../../models/consumer.js';
import { Broker, type BrokerQueueOptions } from '../../models/broker/broker.js';
import { EXCHANGE_TYPES, type ExchangeType } from '../../models/broker/exchange.js';
import { OVERFLOWS, QUEUE_TYPES, type Overflow, type QueueType } from '../../models/broker/queue.js';
import { CONNECTION_LOSS, type BrokerDelivery } from '../../models/broker/subscription.js';
import type { ChartDeclaration, Result, Series } from '../../observe/result.js';
import { BrokerMeter } from '../../observe/systems/broker.js';
import type { DeliveryPort } from '../../models/system.js';
import { bounded, bytes, duration, name, positiveDuration } from '../fields.js';
import { networkField, networkOf } from '../network-field.js';
import { LIMITS } from '../limits.js';
import { suggestion } from '../issues.js';
import { definePlugin, type At, type PluginScenario } from './plugin.js';
import type { ScenarioIssue } from '../issues.js';

/** RabbitMQ 4.0+: quorum queues dead-letter a message returned more than 20 times. */
export const QUORUM_DELIVERY_LIMIT = 20;
/** The RabbitMQ release modelled when a scenario names none. */
export const DEFAULT_VERSION = '4.2';
/** RabbitMQ major.minor (or major.minor.patch), 3.x or 4.x. */
const VERSION = /^(3|4)\.\d+(\.\d+)?$/;
/** Quorum queues cap a consumer's prefetch at 2,000 (0 = unlimited becomes 2,000 too). */
export const QUORUM_PREFETCH_CAP = 2000;

const headerValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const Binding = z.strictObject({
  exchange: name('The exchange this queue is bound to.'),
  routingKey: z.string().default('').meta({
    description:
      'Binding key: exact for direct, a pattern for topic (`*` one word, `#` zero or more); ' +
      'ignored by fanout and headers.',
  }),
  arguments: z.record(z.string(), headerValue).default({}).meta({
    description: 'Headers exchanges: header values to match, and `x-match: all` (default) or `any`.',
  }),
});

const Exchange = z.strictObject({
  name: name('The exchange (the default exchange "" exists already and routes by queue name).'),
  type: z.enum(EXCHANGE_TYPES).meta({ description: 'direct, fanout, topic or headers.' }),
  alternateExchange: name('Where messages that match no binding go instead.').optional(),
});

const Queue = z.strictObject({
  name: name('The queue; also the name of its ledger group when no consumers[] entry consumes it.'),
  queueType: z.enum(QUEUE_TYPES).default('classic').meta({ description: 'classic or quorum.' }),
  bindings: z.array(Binding).default([]),
  messageTtl: duration('x-message-ttl: messages expire this long after enqueue (at the head).').optional(),
  maxLength: z.number().int().min(0).optional().meta({ description: 'x-max-length: ready messages the queue holds.' }),
  maxLengthBytes: bytes('x-max-length-bytes: ready message bodies the queue holds.').optional(),
  overflow: z.enum(OVERFLOWS).default('drop-head').meta({
    description: 'drop-head (drop or dead-letter the oldest), reject-publish, reject-publish-dlx (classic only).',
  }),
  deadLetterExchange: z.string().optional().meta({
    description: 'x-dead-letter-exchange ("" is the default exchange). A missing exchange drops the message.',
  }),
  deadLetterRoutingKey: z.string().optional().meta({
    description: 'x-dead-letter-routing-key; default: the message keeps its own routing key.',
  }),
  deliveryLimit: z.number().int().min(-1).optional().meta({
    description: 'Quorum queues: returns before a message is dead-lettered (delivery_limit); default 20 from 4.0 (none before), -1 disables.',
  }),
  consumerTimeout: positiveDuration('x-consumer-timeout for this queue; default the system consumerTimeout.').optional(),
});

const BrokerSystem = z.strictObject({
  type: z.literal('broker').meta({
    description: 'A routing broker with RabbitMQ semantics: exchanges, queues, prefetch, dead letters.',
  }),
  version: z.string().regex(VERSION, { error: 'expected a RabbitMQ 3.x or 4.x version, like "3.13" or "4.2"' }).default(DEFAULT_VERSION).meta({
    description: 'The RabbitMQ release whose defaults apply (quorum delivery limit, requeue position); default "4.2".',
  }),
  exchanges: bounded(Exchange, LIMITS.entities).default([]),
  queues: bounded(Queue, LIMITS.entities).min(1),
  consumerTimeout: positiveDuration(
    'consumer_timeout: an unacked delivery older than this closes its channel (checked once a minute).',
  ).default(1_800_000),
  heartbeat: positiveDuration(
    'Heartbeat timeout: a silently dead connection is noticed this long after it died.',
  ).default(60_000),
  network: networkField(),
});

type BrokerSpec = z.output<typeof BrokerSystem>;

const producerFields = {
  exchange: z.string().optional().meta({ description: 'Broker: the exchange to publish to; default "" (by queue name).' }),
  routingKey: z.string().optional().meta({
    description: 'Broker: the routing key; `{key}` is replaced by the message key (`order.{key}`).',
  }),
  headers: z.record(z.string(), headerValue).optional().meta({
    description: 'Broker: message headers for headers exchanges; values may use `{key}`.',
  }),
  expiration: duration('Broker: per-message TTL (the expiration property).').optional(),
  mandatory: z.boolean().optional().meta({ description: 'Broker: return unroutable messages to the publisher.' }),
};

const consumerFields = {
  queue: name('Broker: the queue this group consumes; default the group name.').optional(),
  prefetch: z.number().int().min(0).optional().meta({
    description: 'Broker: basic.qos prefetch per consumer (unacked deliveries in flight); default 0 = unlimited.',
  }),
  autoAck: z.boolean().optional().meta({
    description: 'Broker: automatic ack on send (needs delivery: at-most-once); default false.',
  }),
  connectionLoss: z.enum(CONNECTION_LOSS).optional().meta({
    description: 'Broker: how a crash ends the connection: clean (noticed at once) or silent (after the heartbeat timeout).',
  }),
};

type BrokerScenario = Omit<PluginScenario<typeof BrokerSystem, typeof consumerFields, typeof producerFields>, 'services'>;

export const broker = definePlugin({
  type: 'broker',
  schema: BrokerSystem,
  producerFields,
  consumerFields,
  scaleMetrics: ['ready'],
  check: checkBroker,
  wire({ kernel, ledger, rng, scenario, groups, instanceOptions }) {
    const { spec } = scenario;
    const system = spec.system;
    const meter = new BrokerMeter();
    const model = new Broker(kernel, ledger, {
      heartbeatMs: system.heartbeat,
      endMs: spec.duration + spec.drain,
      network: networkOf(system.network, rng),
    }, meter);
    const consumers = spec.consumers;
    const queueOf = (c: number) => consumers[c].queue ?? consumers[c].group;
    for (const ex of system.exchanges) model.addExchange(ex.name, ex.type as ExchangeType, ex.alternateExchange ?? null);
    const queueIndex = new Map<string, number>();
    // Dead-lettering can bring a second copy of a message into a queue.
    const deadLettering = system.queues.some((q) => q.deadLetterExchange !== undefined);
    for (const q of system.queues) {
      const c = consumers.findIndex((_, i) => queueOf(i) === q.name);
      const group = c >= 0 ? groups[c] : ledger.addGroup(q.name);
      queueIndex.set(q.name, model.addQueue(group, queueOptions(q, system, deadLettering)));
    }
    for (const q of system.queues) {
      for (const b of q.bindings) model.bind(b.exchange, queueIndex.get(q.name)!, b.routingKey, b.arguments);
    }
    for (const p of spec.producers) {
      model.addPublisher({
        exchange: p.exchange ?? '',
        routingKey: p.routingKey ?? '',
        headers: p.headers ?? {},
        expirationMs: p.expiration ?? Infinity,
        mandatory: p.mandatory ?? false,
        messageSizeBytes: p.messageSize,
      });
    }
    const instances = consumers.map((consumer, c) => {
      const q = queueIndex.get(queueOf(c))!;
      const quorum = system.queues[q].queueType === 'quorum';
      const prefetch = consumer.prefetch ?? 0;
      return Array.from({ length: spec.consumers[c].instances }, (_, index) => {
        const options = {
          prefetch: quorum ? Math.min(prefetch === 0 ? QUORUM_PREFETCH_CAP : prefetch, QUORUM_PREFETCH_CAP) : prefetch,
          autoAck: consumer.autoAck ?? false,
          connectionLoss: consumer.connectionLoss ?? 'clean',
        };
        const create = (port: DeliveryPort<BrokerDelivery>) =>
          new ConsumerInstance(kernel, ledger, port, instanceOptions(c, index));
        return model.subscribe(q, options, create).instance;
      });
    });
    model.start();
    return {
      system: model,
      instances,
      gauges: model.gauges(),
      scaleMetric: (c) => model.queues[queueIndex.get(queueOf(c))!].ready.length,
      figures(result: Result) {
        const series = prunedZeroSeries(result.series, 'deadLettered');
        const charts: ChartDeclaration[] = [
          {
            name: 'redeliveries',
            title: 'Redeliveries (cumulative) per queue',
            yLabel: 'deliveries',
            metrics: ['redeliveries'],
          },
        ];
        // Only when something was dead-lettered: the reasons that never happened are pruned.
        if (series.deadLettered !== undefined) {
          charts.push({
            name: 'dead-letters',
            title: 'Dead letters (cumulative) by queue and reason',
            yLabel: 'messages',
            metrics: ['deadLettered'],
          });
        }
        return { broker: meter.figures(ledger.deaths), series, charts: [...(result.charts ?? []), ...charts] };
      },
    };
  },
});

function queueOptions(
  q: BrokerSpec['queues'][number],
  system: BrokerSpec,
  multipleCopies: boolean,
): BrokerQueueOptions {
  const quorum = q.queueType === 'quorum';
  // 4.0 gave quorum queues a default delivery limit and returns near the head while one is set.
  const four = system.version.startsWith('4.');
  const deliveryLimit = quorum ? (q.deliveryLimit ?? (four ? QUORUM_DELIVERY_LIMIT : -1)) : -1;
  return {
    name: q.name,
    queueType: q.queueType as QueueType,
    deliveryLimit,
    returnsNearHead: quorum && four && deliveryLimit >= 0,
    messageTtlMs: q.messageTtl ?? Infinity,
    maxLength: q.maxLength ?? Infinity,
    maxLengthBytes: q.maxLengthBytes ?? Infinity,
    overflow: q.overflow as Overflow,
    consumerTimeoutMs: q.consumerTimeout ?? system.consumerTimeout,
    multipleCopies,
    deadLetter: { exchange: q.deadLetterExchange ?? null, routingKey: q.deadLetterRoutingKey ?? null },
  };
}

/** The series without the columns of `metric` that stay 0 all run (reasons that never happened). */
function prunedZeroSeries(series: Series, metric: string): Series {
  const columns = series[metric];
  if (columns === undefined || Array.isArray(columns)) return series;
  const kept = Object.fromEntries(Object.entries(columns).filter(([, values]) => !values.every((v) => v === 0)));
  const { [metric]: _dropped, ...others } = series;
  return Object.keys(kept).length === 0 ? (others as Series) : { ...series, [metric]: kept };
}

function checkBroker(scenario: BrokerScenario, at: At, issues: ScenarioIssue[]): void {
  const { spec } = scenario;
  const system = spec.system;
  const exchanges = system.exchanges.map((e) => e.name);
  const queues = system.queues.map((q) => q.name);
  unique(exchanges, 'exchange', ['system', 'exchanges'], at, issues);
  unique(queues, 'queue', ['system', 'queues'], at, issues);
  const unknownExchange = (value: string) =>
    `no exchange "${value}"; exchanges are ${exchanges.join(', ') || '(none)'}${suggestion(value, exchanges)}`;
  system.exchanges.forEach((ex, i) => {
    if (ex.alternateExchange !== undefined && !exchanges.includes(ex.alternateExchange)) {
      issues.push(at(['system', 'exchanges', i, 'alternateExchange'], unknownExchange(ex.alternateExchange)));
    }
  });
  system.queues.forEach((q, i) => {
    const path = ['system', 'queues', i];
    q.bindings.forEach((b, j) => {
      if (!exchanges.includes(b.exchange)) issues.push(at([...path, 'bindings', j, 'exchange'], unknownExchange(b.exchange)));
    });
    if (q.queueType === 'classic' && q.deliveryLimit !== undefined) {
      issues.push(at([...path, 'deliveryLimit'], 'classic queues have no delivery limit; use queueType: quorum'));
    }
    if (q.queueType === 'quorum' && q.overflow === 'reject-publish-dlx') {
      issues.push(at([...path, 'overflow'], 'quorum queues do not support reject-publish-dlx; use reject-publish or drop-head'));
    }
  });
  if (spec.producers.length > 255) issues.push(at(['producers'], 'a broker scenario takes at most 255 producers'));
  spec.producers.forEach((p, i) => {
    const exchange = p.exchange ?? '';
    if (exchange !== '' && !exchanges.includes(exchange)) issues.push(at(['producers', i, 'exchange'], unknownExchange(exchange)));
    if (exchange === '' && p.routingKey === undefined) {
      issues.push(at(['producers', i], 'publishing to the default exchange needs a routingKey (a queue name), or set exchange'));
    }
  });
  checkConsumers(spec.consumers, queues, at, issues);
}

function checkConsumers(
  consumers: BrokerScenario['spec']['consumers'],
  queues: string[],
  at: At,
  issues: ScenarioIssue[],
): void {
  const consumed = new Map<string, number>();
  consumers.forEach((c, i) => {
    const queue = c.queue ?? c.group;
    if (!queues.includes(queue)) {
      const why = c.queue === undefined ? ` (a consumer reads the queue named like its group; set queue)` : '';
      issues.push(at(['consumers', i, c.queue === undefined ? 'group' : 'queue'],
        `no queue "${queue}"${why}; queues are ${queues.join(', ')}${suggestion(queue, queues)}`));
    } else if (consumed.has(queue)) {
      issues.push(at(['consumers', i], `queue "${queue}" is already consumed by consumers[${consumed.get(queue)}]; ` +
        'one entry per queue: use instances for competing consumers (and a slowdown fault for a slower one)'));
    } else {
      consumed.set(queue, i);
    }
    if (c.autoAck === true && c.delivery !== 'at-most-once') {
      issues.push(at(['consumers', i, 'autoAck'], 'autoAck acknowledges on send: set delivery: at-most-once'));
    }
  });
  // A queue nobody consumes reports under its own name: it must not clash with a group.
  for (const q of queues) {
    const c = consumers.findIndex((x) => x.group === q);
    if (c >= 0 && (consumers[c].queue ?? consumers[c].group) !== q && !consumed.has(q)) {
      issues.push(at(['consumers', c, 'group'], `group "${q}" is also the name of a queue nobody consumes; rename one`));
    }
  }
}

function unique(names: string[], what: string, path: (string | number)[], at: At, issues: ScenarioIssue[]): void {
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) issues.push(at([...path, i], `${what} "${n}" is defined twice`));
  });
}
