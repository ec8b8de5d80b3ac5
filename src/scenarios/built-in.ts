/**
 * The built-in scenario library: the YAML files in the package's `scenarios/` folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

/** `scenarios/` of the package, one level above both src/ and dist/. */
export const BUILT_IN_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface BuiltIn {
  name: string;
  file: string;
  description: string;
}

export function builtInScenarios(): BuiltIn[] {
  return readdirSync(BUILT_IN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(BUILT_IN_DIR, f);
      const doc = parseDocument(readFileSync(file, 'utf8')).toJS() as { description?: string };
      return { name: f.replace(/\.yaml$/, ''), file, description: firstSentence(doc.description ?? '') };
    });
}

/** A path as given, or the name of a built-in scenario (`flash-sale`) when no such file exists. */
export function resolveScenarioFile(fileOrName: string): string {
  if (existsSync(fileOrName)) return fileOrName;
  const builtIn = join(BUILT_IN_DIR, `${fileOrName.replace(/\.yaml$/, '')}.yaml`);
  return existsSync(builtIn) && !fileOrName.includes('/') ? builtIn : fileOrName;
}

function firstSentence(text: string): string {
  const line = text.trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ');
  const end = line.search(/\.(\s|$)/);
  return end === -1 ? line : line.slice(0, end + 1);
}
