/**
 * Scenario loading: file → YAML (or JSON) document → schema → cross-field checks → a
 * validated Scenario. Every problem is collected with its file, path and line:column, and
 * thrown together as one ScenarioError.
 */
import { readFileSync, statSync } from 'node:fs';
import { LIMITS } from './limits.js';
import { approx, describeCost, estimateCost, HUGE_RUN, MAX_SAMPLES, MAX_SERIES_POINTS, type RunCost } from './cost.js';
import { defaultSampleEvery } from '../observe/sampler.js';
import { formatDuration } from './units.js';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import { parseYaml } from './document.js';
import type { z } from 'zod';
import type { Distribution } from '../sim/distributions.js';
import { parseDistribution } from './distribution-text.js';
import { unreadable } from './csv.js';
import { crashPointOccurs, type CrashPoint, type Guarantee } from '../models/consumer.js';
import { EXPECT_METRICS, type Expectation } from '../observe/expectations.js';
import { parseExpectation } from './expectation-text.js';
import type { ScaleMetric, ScenarioSpec } from './schema.js';
import { fleetSize } from './autoscale.js';
import { upDownTimes } from './fault-times.js';
import { ScenarioSchema } from './scenario-schema.js';
import { planProducer, type ProducerPlan } from './profile.js';
import { readRateTrace, type BaselineShape, type ShapeProblem } from './traffic-shape.js';
import { resolveKeys, type KeySpace } from './keys.js';
import {
  InputError,
  ScenarioError,
  suggestion,
  valueAt,
  type PathKey,
  type ScenarioIssue,
} from './issues.js';
import { schemaKeysAt } from './schema-walk.js';
import { SYSTEMS, findSystem, systemPlugin } from './systems/index.js';
import type { FaultTimes, Scenario } from './scenario.js';
export type { Scenario } from './scenario.js';
import type { At, AnySystemPlugin } from './systems/plugin.js';

export { HUGE_RUN } from './cost.js';

export interface LoadOptions {
  allowHuge?: boolean;
}

export function loadScenario(file: string, options: LoadOptions = {}): Scenario {
  return parseScenario(readScenarioFile(file), file, { ...options, baseDir: dirname(file) });
}

/** A scenario file's text, or an InputError that names the file and why it can't be read. */
export function readScenarioFile(file: string): string {
  try {
    const bytes = statSync(file).size;
    if (bytes > LIMITS.sourceBytes) {
      throw new ScenarioError([{ file, path: [], line: 1, column: 1, message: `the file has ${bytes.toLocaleString('en-US')} ` +
        `bytes, more than the ${LIMITS.sourceBytes.toLocaleString('en-US')} a scenario may have` }]);
    }
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read scenario file "${file}": ${unreadable(error)}`);
  }
}

export function parseScenario(
  source: string,
  file: string,
  options: LoadOptions & { baseDir?: string } = {},
): Scenario {
  const { doc, lines, data } = parseYaml(source, file);
  const at = (path: PathKey[], message: string, key?: string): ScenarioIssue =>
    locate(doc, lines, file, path, message, key);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError([at([], 'expected a mapping with name, duration, system, producers and consumers')]);
  }
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(parsed.error.issues.flatMap((issue) => describe(issue, data, at)));
  }
  const spec = parsed.data;
  const issues: ScenarioIssue[] = [];
  const baseDir = options.baseDir ?? '.';
  const plans = checkProducers(spec, at, issues, baseDir);
  const keys = checkKeys(spec, at, issues, baseDir);
  const services = checkConsumers(spec, at, issues, baseDir);
  const scaleUpDelays = checkAutoscale(spec, at, issues, baseDir);
  const faultTimes = checkFaults(spec, at, issues, baseDir);
  const expectations = checkExpectations(spec, at, issues);
  // The backlogs are messages too: a scenario that only drains one plans that many.
  const plannedMessages = plans.reduce((sum, p) => sum + p.expected, 0) +
    spec.producers.reduce((sum, p) => sum + (p.backlog ?? 0), 0);
  checkSystemFields(spec, at, issues);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  systemPlugin(spec.system.type).check?.(
    { spec, file, source, hash, plans, keys, scaleUpDelays, faultTimes, expectations, plannedMessages },
    at,
    issues,
  );
  if (issues.length > 0) throw new ScenarioError(issues);
  const cost = checkCost(spec, plans, keys, plannedMessages, options, at);
  return { spec, file, source, hash, plans, keys, services, scaleUpDelays, faultTimes, expectations, plannedMessages, cost };
}

/** Refuses a run too big to hold in memory, and one too long to run without `allowHuge`. */
function checkCost(
  spec: ScenarioSpec,
  plans: ProducerPlan[],
  keys: (KeySpace | null)[],
  plannedMessages: number,
  options: LoadOptions,
  at: At,
): RunCost {
  const endMs = spec.duration + spec.drain;
  const sampleEveryMs = spec.report.sampleEvery ?? defaultSampleEvery(endMs);
  const systemParts = systemPlugin(spec.system.type).costs?.(spec, endMs, plannedMessages) ?? [];
  const cost = estimateCost({ spec, plans, keys, plannedMessages, systemParts, sampleEveryMs });
  if (cost.samples > MAX_SAMPLES || cost.seriesPoints > MAX_SERIES_POINTS) {
    throw new ScenarioError([at(['report', 'sampleEvery'],
      `sampling every ${formatDuration(sampleEveryMs)} over ${formatDuration(endMs)} gives ${approx(cost.samples)} ` +
        `samples per series (${approx(cost.seriesPoints)} points in all), more than ${MAX_SAMPLES.toLocaleString('en-US')} ` +
        `(${MAX_SERIES_POINTS.toLocaleString('en-US')} in all) fit in memory; sample every ` +
        `${formatDuration(Math.ceil(Math.max(endMs / MAX_SAMPLES, (endMs * cost.seriesPoints) / cost.samples / MAX_SERIES_POINTS)))} or more`)]);
  }
  if (cost.events > HUGE_RUN && !options.allowHuge) {
    const biggest = cost.parts.reduce((a, b) => (b.events > a.events ? b : a));
    throw new ScenarioError([at(biggest.path,
      `the run would process ${describeCost(cost)}, more than ${HUGE_RUN.toExponential(0)} ` +
        '(tens of minutes or more); pass --allow-huge if you mean it')]);
  }
  return cost;
}

function checkProducers(spec: ScenarioSpec, at: At, issues: ScenarioIssue[], baseDir: string): ProducerPlan[] {
  const plans: ProducerPlan[] = [];
  duplicateNames(spec.producers.map((p) => p.name), 'producer', ['producers'], at, issues);
  spec.producers.forEach((producer, i) => {
    const shape = baselineShape(producer, baseDir);
    if ('message' in shape) {
      issues.push(at(['producers', i, 'rateTrace', ...shape.path], shape.message));
      return;
    }
    const plan = planProducer(producer, shape, spec.duration);
    if ('message' in plan) issues.push(at(['producers', i, ...plan.path], plan.message));
    else plans.push(plan);
  });
  return plans;
}

/** A producer's baseline before its phases; a trace file is read here, once. */
function baselineShape(producer: ScenarioSpec['producers'][number], baseDir: string): BaselineShape | ShapeProblem {
  if (producer.rateTrace !== undefined) return readRateTrace(producer.rateTrace, baseDir);
  const rate = producer.rate ?? 0;
  const diurnal = producer.diurnal;
  if (diurnal === undefined) return { kind: 'constant', rate };
  return {
    kind: 'diurnal',
    trough: rate,
    peak: diurnal.peak,
    peakAtMs: diurnal.peakAt,
    startsAtMs: diurnal.startsAt,
    periodMs: diurnal.period,
  };
}

function checkKeys(spec: ScenarioSpec, at: At, issues: ScenarioIssue[], baseDir: string): (KeySpace | null)[] {
  return spec.producers.map((producer, i) => {
    if (producer.keys === null) return null;
    const keys = resolveKeys(producer.keys, baseDir);
    if (!('message' in keys)) return keys;
    issues.push(at(['producers', i, 'keys', ...keys.path], keys.message));
    return null;
  });
}

function checkConsumers(spec: ScenarioSpec, at: At, issues: ScenarioIssue[], baseDir: string): Distribution[] {
  duplicateNames(spec.consumers.map((c) => c.group), 'consumer group', ['consumers'], at, issues);
  return spec.consumers.flatMap((consumer, i) => {
    const { speed, instances, startAt } = consumer;
    if (Array.isArray(speed) && speed.length !== instances) {
      issues.push(at(['consumers', i, 'speed'],
        `a list of ${speed.length} speed(s) for ${instances} instance(s): give one per instance, or one number for all`));
    }
    if (startAt !== undefined && startAt >= spec.duration + spec.drain) {
      issues.push(at(['consumers', i, 'startAt'], 'the group would start after the run ends'));
    }
    // An autoscaler decides when instances run, and how many: one of them per group.
    if (consumer.autoscale !== undefined && startAt !== undefined) {
      issues.push(at(['consumers', i, 'startAt'], 'an autoscaled group starts as its autoscaler decides: give startAt or autoscale, not both'));
    }
    if (consumer.autoscale !== undefined && Array.isArray(speed)) {
      issues.push(at(['consumers', i, 'speed'], 'an autoscaled group has no fixed instance list: give one speed for all instances'));
    }
    try {
      return [parseDistribution(consumer.service, { baseDir })];
    } catch (error) {
      issues.push(at(['consumers', i, 'service'], (error as Error).message));
      return [];
    }
  });
}

/** Autoscale settings the schema cannot check alone; each group's start delay, parsed. */
function checkAutoscale(spec: ScenarioSpec, at: At, issues: ScenarioIssue[], baseDir: string): (Distribution | null)[] {
  const own = systemPlugin(spec.system.type);
  return spec.consumers.map((consumer, i) => {
    const scale = consumer.autoscale;
    if (scale === undefined) return null;
    const path = ['consumers', i, 'autoscale'];
    const system = SYSTEM_METRICS.includes(scale.metric);
    if (system && !own.scaleMetrics.includes(scale.metric)) {
      const owners = SYSTEMS.filter((p) => p.scaleMetrics.includes(scale.metric)).map((p) => p.type);
      const here = [...own.scaleMetrics, 'backlogPerInstance', 'utilisation'];
      issues.push(at([...path, 'metric'], `"${scale.metric}" is a reading of ${owners.join(' and ')} systems; ` +
        `a ${spec.system.type} system scales on ${here.join(', ')}`));
    }
    if (scale.min > scale.max) issues.push(at([...path, 'min'], `more than max (${scale.max})`));
    if (scale.metric === 'utilisation') {
      if (scale.target > 1) issues.push(at([...path, 'target'], 'a utilisation target is a share of handler time, from 0 to 1 (like 0.7)'));
      if (scale.min === 0) issues.push(at([...path, 'min'], 'with no instance there is no utilisation to scale up on: use min 1 or more'));
    }
    try {
      const text = typeof scale.scaleUpDelay === 'number' ? `${scale.scaleUpDelay}ms` : scale.scaleUpDelay;
      // A bare duration (45s) is a constant delay.
      return parseDistribution(/\(/.test(text) ? text : `const(${text})`, { baseDir });
    } catch (error) {
      issues.push(at([...path, 'scaleUpDelay'], (error as Error).message));
      return null;
    }
  });
}

/** The autoscale metrics a system reads itself (the others are read the same way everywhere). */
const SYSTEM_METRICS: readonly ScaleMetric[] = ['lag', 'ready', 'visible'];

function checkFaults(spec: ScenarioSpec, at: At, issues: ScenarioIssue[], baseDir: string): (FaultTimes | null)[] {
  const groups = spec.consumers.map((c) => c.group);
  return spec.faults.map((fault, i) => {
    if (fault.kind === 'poison' && fault.group === undefined) return null;
    const consumer = spec.consumers.find((c) => c.group === fault.group);
    if (consumer === undefined || fault.group === undefined) {
      issues.push(at(['faults', i, 'group'],
        `no consumer group "${fault.group}"; groups are ${groups.join(', ')}${suggestion(fault.group ?? '', groups)}`));
      return null;
    }
    if (fault.kind === 'poison') return null;
    const instances = fleetSize(consumer);
    if (typeof fault.instance === 'number' && fault.instance >= instances) {
      issues.push(at(['faults', i, 'instance'],
        `group "${fault.group}" has ${instances} instance(s)${consumer.autoscale === undefined ? '' : ' at most'}, numbered from 0`));
    }
    if (fault.kind === 'random-crash') return randomCrashTimes(fault, consumer.delivery, i, at, issues, baseDir);
    if (fault.at >= spec.duration + spec.drain) {
      issues.push(at(['faults', i, 'at'], 'the fault would happen after the run ends'));
    }
    if (fault.kind === 'crash' && fault.point !== undefined && !crashPointOccurs(fault.point, consumer.delivery)) {
      issues.push(at(['faults', i, 'point'],
        `"${fault.point}" never happens under ${consumer.delivery} (it acks ` +
          `${consumer.delivery === 'at-most-once' ? 'before' : 'after'} processing); ` +
          `use ${consumer.delivery === 'at-most-once' ? 'after-ack-before-process' : 'after-process-before-ack'} or mid-process`));
    }
    if (fault.kind !== 'slowdown' && fault.times !== undefined && fault.every === undefined && fault.times > 1) {
      issues.push(at(['faults', i, 'times'], `repeated ${fault.kind === 'crash' ? 'crashes' : 'leaves'} need \`every\``));
    }
    return null;
  });
}

type RandomCrashSpec = Extract<ScenarioSpec['faults'][number], { kind: 'random-crash' }>;

/** A random crash's up and down times, and points its group's guarantee can reach. */
function randomCrashTimes(
  fault: RandomCrashSpec,
  guarantee: Guarantee,
  i: number,
  at: At,
  issues: ScenarioIssue[],
  baseDir: string,
): FaultTimes | null {
  const points = fault.points === undefined ? [fault.point ?? 'at-time'] : Object.keys(fault.points);
  for (const point of points) {
    if (point !== 'at-time' && !crashPointOccurs(point as CrashPoint, guarantee)) {
      issues.push(at(['faults', i, fault.points === undefined ? 'point' : 'points'],
        `"${point}" never happens under ${guarantee}; use at-time, mid-process or ` +
          `${guarantee === 'at-most-once' ? 'after-ack-before-process' : 'after-process-before-ack'}`));
    }
  }
  return upDownTimes(fault, ['faults', i], at, issues, baseDir);
}

/** Settings of another system's producers or consumers do not apply here: say so. */
function checkSystemFields(spec: ScenarioSpec, at: At, issues: ScenarioIssue[]): void {
  const own = systemPlugin(spec.system.type);
  const sections = [
    ['producers', spec.producers, (p: AnySystemPlugin) => p.producerFields],
    ['consumers', spec.consumers, (p: AnySystemPlugin) => p.consumerFields],
  ] as const;
  for (const [section, entries, fieldsOf] of sections) {
    entries.forEach((entry, i) => {
      for (const key of Object.keys(entry)) {
        if (key in fieldsOf(own)) continue;
        const owner = SYSTEMS.find((p) => key in fieldsOf(p));
        if (owner === undefined || (entry as Record<string, unknown>)[key] === undefined) continue;
        issues.push(at([section, i, key],
          `"${key}" is a setting of system type ${owner.type}; this scenario's system is ${own.type}`, key));
      }
    });
  }
}

function checkExpectations(spec: ScenarioSpec, at: At, issues: ScenarioIssue[]): Expectation[] {
  const groups = spec.consumers.map((c) => c.group);
  const expectations: Expectation[] = [];
  for (const [name, condition] of Object.entries(spec.expect)) {
    try {
      const e = parseExpectation(name, condition);
      if (e.group !== null && !groups.includes(e.group)) {
        issues.push(at(['expect', name],
          `no consumer group "${e.group}"; groups are ${groups.join(', ')}${suggestion(e.group, groups)}`, name));
        continue;
      }
      expectations.push(e);
    } catch (error) {
      const metric = name.slice(name.lastIndexOf('.') + 1);
      const hint = EXPECT_METRICS.includes(metric) ? '' : suggestion(metric, EXPECT_METRICS);
      issues.push(at(['expect', name], `${(error as Error).message}${hint}`, name));
    }
  }
  return expectations;
}

function duplicateNames(names: string[], what: string, path: PathKey[], at: At, issues: ScenarioIssue[]): void {
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issues.push(at([...path, i], `${what} "${name}" is defined twice`));
  });
}

/** Turns one zod issue into scenario issues with positions and suggestions. */
function describe(issue: z.core.$ZodIssue, data: unknown, at: At): ScenarioIssue[] {
  const path = issue.path as PathKey[];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = ownFields(schemaKeysAt(ScenarioSchema, path, data), path, data);
      return issue.keys.map((key) =>
        at([...path, key], `unknown field "${key}"${suggestion(key, known)}` +
          (known.length > 0 ? ` (fields here: ${known.join(', ')})` : ''), key),
      );
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const given = valueAt(data, path);
      const hint = typeof given === 'string' ? suggestion(given, values) : '';
      return [at(path, `expected one of ${values.join(', ')}, got ${JSON.stringify(given)}${hint}`)];
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const given = valueAt(data, path);
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        if (given === undefined) return [at(path.slice(0, -1), `missing "${issue.discriminator}": expected one of ${options.join(', ')}`)];
        const hint = typeof given === 'string' ? suggestion(given, options) : '';
        return [at(path, `expected one of ${options.join(', ')}, got ${JSON.stringify(given)}${hint}`)];
      }
      return [at(path, issue.message)];
    }
    case 'invalid_type': {
      if (valueAt(data, path) === undefined) {
        return [at(path.slice(0, -1), `missing required field "${String(path[path.length - 1])}" (expected ${issue.expected})`)];
      }
      return [at(path, `expected ${issue.expected}, got ${JSON.stringify(valueAt(data, path))}`)];
    }
    default:
      return [at(path, issue.message)];
  }
}

/**
 * The fields that apply here: producers and consumers carry every system's settings in the
 * schema, but a typo is answered with the common fields and the named system's own only.
 */
function ownFields(known: string[], path: PathKey[], data: unknown): string[] {
  const section = path[0];
  if (path.length !== 2 || (section !== 'producers' && section !== 'consumers')) return known;
  const fieldsOf = (p: AnySystemPlugin) => Object.keys(section === 'producers' ? p.producerFields : p.consumerFields);
  const type = valueAt(data, ['system', 'type']);
  const own = findSystem(type);
  const ownKeys = own === undefined ? [] : fieldsOf(own);
  const foreign = new Set(SYSTEMS.flatMap(fieldsOf).filter((key) => !ownKeys.includes(key)));
  return known.filter((key) => !foreign.has(key));
}

/** Finds the line:column of a path (or of key `key` in the mapping at `path`). */
function locate(
  doc: Document,
  lines: LineCounter,
  file: string,
  path: PathKey[],
  message: string,
  key?: string,
): ScenarioIssue {
  const issue: ScenarioIssue = { file, path, message };
  let offset: number | undefined;
  const parentPath = key !== undefined && path[path.length - 1] === key ? path.slice(0, -1) : path;
  // A missing field has no node: point at the nearest ancestor that exists.
  let node: unknown = undefined;
  for (let p = parentPath; node === undefined || node === null; p = p.slice(0, -1)) {
    node = p.length === 0 ? doc.contents : doc.getIn(p, true);
    if (p.length === 0) break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  }
  // An empty document has no node at all: its place is the start of the file.
  offset ??= (node as { range?: [number, number, number] } | null | undefined)?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  issue.line = pos.line;
  issue.column = pos.col;
  return issue;
}
