/**
 * Scenario text → plain data, safely: a size bound on the text, YAML (JSON is YAML) parsed
 * with positions, aliases expanded only when the result stays small, and keys that JavaScript
 * objects treat specially (`__proto__`) refused rather than silently dropped.
 *
 * The YAML library's own alias guard (maxAliasCount, 100 by default) refuses legitimate files
 * that use an anchor more than 100 times and lets its ReferenceError escape; counting the
 * nodes the aliases expand to measures what an alias bomb really costs instead.
 */
import {
  isAlias,
  isCollection,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { LIMITS } from './limits.js';
import { ScenarioError, type PathKey, type ScenarioIssue } from './issues.js';

export interface ParsedDocument {
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

export function parseYaml(source: string, file: string): ParsedDocument {
  const issueAt = (lines: LineCounter, offset: number, path: PathKey[], message: string): ScenarioIssue => {
    const pos = lines.linePos(offset);
    return { file, path, line: pos.line, column: pos.col, message };
  };
  const lines = new LineCounter();
  const size = Buffer.byteLength(source, 'utf8');
  if (size > LIMITS.sourceBytes) {
    throw new ScenarioError([{ file, path: [], line: 1, column: 1, message: `the file has ${size.toLocaleString('en-US')} bytes, more than the ${LIMITS.sourceBytes.toLocaleString('en-US')} a scenario may have` }]);
  }
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => issueAt(lines, e.pos[0], [], `invalid YAML: ${e.message.split('\n')[0]}`)),
    );
  }
  const issues: ScenarioIssue[] = [];
  const nodes = expandedNodes(doc.contents as Node | null, (offset, path, message) =>
    issues.push(issueAt(lines, offset, path, message)),
  );
  if (issues.length === 0 && nodes > LIMITS.expandedNodes) {
    issues.push(issueAt(lines, 0, [], `with its aliases (*name) expanded the document has more than ` +
      `${LIMITS.expandedNodes.toLocaleString('en-US')} values (an alias bomb?); write the repeated parts out, ` +
      'or repeat them less'));
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  // The expansion is bounded above, so the library's own guard is not needed.
  return { doc, lines, data: doc.toJS({ maxAliasCount: -1 }) };
}

type Report = (offset: number, path: PathKey[], message: string) => void;

/**
 * How many values the document has once every alias is replaced by what it names; reports
 * aliases without an anchor, aliases inside the node they name, and `__proto__` keys.
 */
function expandedNodes(root: Node | null, report: Report): number {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  const offsetOf = (node: unknown): number => (node as { range?: number[] } | null)?.range?.[0] ?? 0;

  const visit = (node: unknown, path: PathKey[]): number => {
    if (node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined || open.has(target)) {
        report(offsetOf(node), path, target === undefined
          ? `alias *${node.source} has no anchor &${node.source} before it`
          : `alias *${node.source} is inside the node it names, which would never end`);
        return 1;
      }
      return sizes.get(target) ?? 1;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined) open.add(node as Node);
    let size = 1;
    if (isCollection(node)) {
      node.items.forEach((item, i) => {
        if (isPair(item)) {
          const key = isScalar(item.key) ? item.key.value : item.key;
          if (key === '__proto__') {
            report(offsetOf(item.key), [...path, '__proto__'], 'unknown field "__proto__" (a reserved name)');
          }
          const next = [...path, typeof key === 'string' || typeof key === 'number' ? key : i];
          size += visit(item.key, next) + visit(item.value, next);
        } else {
          size += visit(item, [...path, i]);
        }
      });
    }
    if (anchor !== undefined) {
      open.delete(node as Node);
      anchors.set(anchor, node as Node);
      sizes.set(node as Node, size);
    }
    return size;
  };
  return visit(root, []);
}
