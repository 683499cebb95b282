// Cut a list into consecutive chunks of at most `maxCount` items and `maxBytes` bytes each (docs/principles.md 5:
// bulk requests stay within Elasticsearch's limits). An item larger than maxBytes gets a chunk of its own.

export function splitBySize<T>(items: readonly T[], bytesOf: (item: T) => number, maxCount: number, maxBytes: number): T[][] {
  const count = Math.max(1, Math.floor(maxCount));
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length >= count || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
