/**
 * Topic-exchange matching: routing keys and binding patterns are dot-separated words; in a
 * pattern `*` matches exactly one word and `#` matches zero or more.
 *
 * Words are split as RabbitMQ splits them (rabbit_exchange_type_topic): the empty key has zero
 * words, and empty words between dots count (`a..b` is `a`, ``, `b`).
 */

export function topicWords(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

/** Whether `pattern` (a binding key) matches `key` (a routing key). */
export function topicMatches(pattern: string, key: string): boolean {
  return matchFrom(topicWords(pattern), 0, topicWords(key), 0);
}

function matchFrom(pattern: string[], p: number, words: string[], w: number): boolean {
  while (p < pattern.length) {
    const token = pattern[p];
    if (token === '#') {
      // Collapse `#.#`, then try every split of the remaining words.
      while (p + 1 < pattern.length && pattern[p + 1] === '#') p++;
      if (p + 1 === pattern.length) return true;
      for (let skip = w; skip <= words.length; skip++) {
        if (matchFrom(pattern, p + 1, words, skip)) return true;
      }
      return false;
    }
    if (w === words.length) return false;
    if (token !== '*' && token !== words[w]) return false;
    p++;
    w++;
  }
  return w === words.length;
}
