/** A count map as a JSON record with its keys in code-unit order, the same on every machine. */
export function sorted<K extends string>(map: ReadonlyMap<K, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
