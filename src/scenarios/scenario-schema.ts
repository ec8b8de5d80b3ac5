/**
 * The whole scenario schema: the common fields of schema.ts, with each system plugin's
 * `system:` block (its aliases included) and the systems' own producer and consumer settings.
 */
import { z } from 'zod';
import {
  CommonScenarioSchema,
  Consumer,
  Producer,
  checkBaseline,
  consumerList,
  producerList,
  type ScenarioInput,
  type ScenarioSpec,
} from './schema.js';
import { SYSTEMS, aliasesOf } from './systems/index.js';
import { publishedSchema } from './json-schema.js';
import type { AnySystemPlugin } from './systems/plugin.js';

/**
 * Each system's own producer and consumer settings, under the real system's names. Typed as
 * `{}` here: the common fields keep their inferred types, and each system reads its own
 * fields through its own types (the validator still checks them at run time).
 */
const systemConsumerFields: {} = Object.assign({}, ...SYSTEMS.map((plugin) => plugin.consumerFields));
const systemProducerFields: {} = Object.assign({}, ...SYSTEMS.map((plugin) => plugin.producerFields));

/**
 * A system's schema whose `type` also takes the system's aliases (`kafka` for `log`) and
 * outputs the canonical type, so validation, wiring, compare and sweep all see one name.
 */
function withAliases(plugin: AnySystemPlugin): z.ZodObject {
  const aliases = aliasesOf(plugin.type);
  if (aliases.length === 0) return plugin.schema;
  const description = `${plugin.schema.shape.type.description ?? ''} Also written ${aliases.join(', ')}.`;
  const type = z
    .enum([plugin.type, ...aliases])
    .transform(() => plugin.type)
    .meta({ description: description.trim() });
  return plugin.schema.extend({ type });
}

const [firstSystem, ...otherSystems] = SYSTEMS.map(withAliases);

/** The schema every scenario document is validated against. */
export const ScenarioSchema: z.ZodType<ScenarioSpec, ScenarioInput> = CommonScenarioSchema.extend({
  system: z.discriminatedUnion('type', [firstSystem, ...otherSystems]),
  producers: producerList(Producer.extend(systemProducerFields).superRefine(checkBaseline)),
  consumers: consumerList(Consumer.extend(systemConsumerFields)),
}).meta({ title: 'queuesim scenario' }) as z.ZodType as z.ZodType<ScenarioSpec, ScenarioInput>;

/** The JSON Schema for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): object {
  return publishedSchema(ScenarioSchema);
}
