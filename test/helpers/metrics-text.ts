/** Sample values of a Prometheus text exposition (what /metrics serves), keyed by `name{labels}`. */
export function metricsOf(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** One sample's value, 0 when the series has not appeared yet. */
export const metric = (values: Map<string, number>, key: string): number => values.get(key) ?? 0;
