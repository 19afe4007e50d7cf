/**
 * A readable structural diff of two JSON values, one line per difference, located by JSON
 * Pointer; and the normalisation the contract-drift test applies before comparing.
 */

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function show(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Lines `- <pointer>: <value>` (only in `expected`), `+` (only in `actual`), `~` (changed). */
export function jsonDiff(expected: Json, actual: Json, pointer = ''): string[] {
  if (isRecord(expected) && isRecord(actual)) {
    const lines: string[] = [];
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const at = `${pointer}/${escape(key)}`;
      if (!(key in actual)) lines.push(`- ${at}: ${show(expected[key])}`);
      else if (!(key in expected)) lines.push(`+ ${at}: ${show(actual[key])}`);
      else lines.push(...jsonDiff(expected[key], actual[key], at));
    }
    return lines;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i += 1) {
      const at = `${pointer}/${i}`;
      if (i >= actual.length) lines.push(`- ${at}: ${show(expected[i])}`);
      else if (i >= expected.length) lines.push(`+ ${at}: ${show(actual[i])}`);
      else lines.push(...jsonDiff(expected[i], actual[i], at));
    }
    return lines;
  }
  return Object.is(expected, actual) ? [] : [`~ ${pointer || '/'}: ${show(expected)} → ${show(actual)}`];
}

/**
 * What does not count as drift: key order (the comparison is structural), the order of
 * `required` lists (a set in JSON Schema), and `tags` order on operations. Everything else —
 * paths, methods, parameters, bodies, statuses, media types, schemas, descriptions, components —
 * must agree.
 */
export function normaliseContract(document: Json): Json {
  if (Array.isArray(document)) return document.map(normaliseContract);
  if (!isRecord(document)) return document;
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(document)) {
    if ((key === 'required' || key === 'tags') && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      result[key] = [...value].sort();
    } else {
      result[key] = normaliseContract(value);
    }
  }
  return result;
}
