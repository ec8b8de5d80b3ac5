/**
 * Walks the zod schema along a document path to list the fields allowed there, so an unknown
 * field can be answered with "did you mean …?". zod's own issue does not carry them.
 */
import type { z } from 'zod';
import type { PathKey } from './issues.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Field names of the object schema found at `path` in `data`, or [] if there is none. */
export function schemaKeysAt(schema: z.ZodType, path: PathKey[], data: unknown): string[] {
  let node: z.ZodType | undefined = schema;
  let value = data;
  for (const key of [...path, null]) {
    node = node === undefined ? undefined : unwrap(node, value);
    if (node === undefined) return [];
    if (key === null) break;
    const def = defOf(node);
    if (def.type === 'object') node = def.shape?.[String(key)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return [];
    value = value !== null && typeof value === 'object' ? (value as Record<PathKey, unknown>)[key] : undefined;
  }
  const def = node === undefined ? undefined : defOf(node);
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** Sees through optional, default, nullable, pipes and (discriminated) unions. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (let depth = 0; node !== undefined && depth < 16; depth++) {
    const def: Def = defOf(node);
    if (def.innerType !== undefined) node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else if (def.type === 'union') node = pickOption(def, value);
    else return node;
  }
  return node;
}

function pickOption(def: Def, value: unknown): z.ZodType | undefined {
  const options = def.options ?? [];
  if (def.discriminator !== undefined && value !== null && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    const match = options.find((o) => {
      const field = defOf(o).shape?.[def.discriminator as string];
      // `_zod.values` covers literals and aliased types (an enum piped to the canonical name).
      const values = (field as unknown as { _zod: { values?: Set<unknown> } } | undefined)?._zod.values;
      return values?.has(tag) === true;
    });
    if (match !== undefined) return match;
  }
  return options.find((o) => defOf(o).type === 'object') ?? options[0];
}
