/**
 * The published JSON Schema (`queuesim schema`, schema/scenario.schema.json), for editors
 * (`# yaml-language-server: $schema=…`). zod writes the structure, enums and bounds; this
 * adds what zod cannot see through a parser: each unit field's pattern (`rate: fast` fails),
 * the distribution syntax, `expect:` keys and thresholds per figure unit, and, through
 * `if`/`then` on `system.type`, which producer and consumer fields each system takes
 * (`maxPollRecords` on a work-queue consumer fails). The CLI stays the judge of everything a
 * pattern cannot say (cross-field checks, ranges, files).
 */
import { z } from 'zod';
import { GROUP_FIGURES, SYSTEM_FIGURES, type FigureUnit } from '../observe/figures.js';
import { DISTRIBUTION_PATTERN } from './distribution-text.js';
import type { FieldUnit } from './fields.js';
import { aliasesOf, SYSTEMS } from './systems/index.js';
import { UNIT_PATTERNS } from './units.js';

type JsonSchema = Record<string, unknown>;

const text = (pattern: string): JsonSchema => ({ type: 'string', pattern });
const zero = { const: 0 };

/** Each parsed field's JSON Schema: its text form, and the numbers its parser takes. */
const UNITS: Record<FieldUnit, JsonSchema> = {
  duration: { anyOf: [text(UNIT_PATTERNS.duration), zero] },
  positiveDuration: text(UNIT_PATTERNS.positiveDuration),
  rate: { anyOf: [text(UNIT_PATTERNS.rate), zero] },
  rateOrMultiple: { anyOf: [text(UNIT_PATTERNS.rate), text(UNIT_PATTERNS.multiplier), zero] },
  bytes: { anyOf: [text(UNIT_PATTERNS.bytes), { type: 'integer', minimum: 0 }] },
  multiplier: { anyOf: [text(UNIT_PATTERNS.multiplier), { type: 'number', exclusiveMinimum: 0 }] },
  timeOfDay: text(UNIT_PATTERNS.timeOfDay),
  distribution: text(DISTRIBUTION_PATTERN),
  durationOrDistribution: { anyOf: [text(UNIT_PATTERNS.duration), zero, text(DISTRIBUTION_PATTERN)] },
};

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const DECIMAL = String.raw`\d+(?:\.\d+)?`;

/** A threshold of `expect:` in each figure unit: a number, or a condition like `< 10m`. */
function threshold(unit: FigureUnit): JsonSchema {
  const own = {
    count: [],
    ms: [`(?:${UNIT_PATTERNS.duration.replace(/\^|\$/g, '')})`],
    ratio: [`-?${DECIMAL}\\s*%`],
    dollars: [`\\$\\s*${DECIMAL}`],
  }[unit];
  const value = [NUMBER, ...own].join('|');
  return { anyOf: [{ type: 'number' }, text(`^\\s*(?:<=|>=|==|!=|<|>|=)?\\s*(?:${value})\\s*$`)] };
}

function expectSchema(description: unknown): JsonSchema {
  const GROUP = '[A-Za-z0-9][A-Za-z0-9._-]*\\.';
  const patternProperties: JsonSchema = {};
  const names = (figures: Record<string, { unit: FigureUnit }>, unit: FigureUnit) =>
    Object.keys(figures).filter((name) => figures[name].unit === unit).map(escapeRegExp).join('|');
  for (const unit of ['count', 'ms', 'ratio', 'dollars'] as const) {
    const system = names(SYSTEM_FIGURES, unit);
    const group = names(GROUP_FIGURES, unit);
    // System-wide figures cannot be scoped to a group; a group's figure may be named bare.
    if (system !== '') patternProperties[`^(?:${system})$`] = threshold(unit);
    if (group !== '') patternProperties[`^(?:${GROUP})?(?:${group})$`] = threshold(unit);
  }
  return { description, type: 'object', patternProperties, additionalProperties: false };
}

function escapeRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * For each system, the producer and consumer fields of the other systems are refused (a
 * field two systems share, like `topic`, is allowed in both).
 */
function systemFields(): JsonSchema[] {
  const fieldsOf = (side: 'producerFields' | 'consumerFields') => SYSTEMS.map((p) => Object.keys(p[side]));
  return SYSTEMS.map((plugin) => {
    const foreign = (side: 'producerFields' | 'consumerFields'): JsonSchema => {
      const own = Object.keys(plugin[side]);
      const others = [...new Set(fieldsOf(side).flat())].filter((k) => !own.includes(k));
      return { type: 'array', items: { type: 'object', properties: Object.fromEntries(others.map((k) => [k, false])) } };
    };
    return {
      if: {
        type: 'object',
        properties: { system: { type: 'object', properties: { type: { enum: [plugin.type, ...aliasesOf(plugin.type)] } }, required: ['type'] } },
        required: ['system'],
      },
      then: { type: 'object', properties: { producers: foreign('producerFields'), consumers: foreign('consumerFields') } },
    };
  });
}

export function publishedSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const unit = jsonSchema.unit as FieldUnit | undefined;
      if (unit === undefined) return;
      // The unit's schema replaces zod's `string | number`; the description and default stay.
      delete jsonSchema.unit;
      delete jsonSchema.type;
      delete jsonSchema.anyOf;
      delete jsonSchema.minLength;
      Object.assign(jsonSchema, UNITS[unit]);
    },
  }) as JsonSchema & { properties: Record<string, JsonSchema> };
  json.properties.expect = expectSchema(json.properties.expect.description);
  return { ...json, allOf: systemFields() };
}
