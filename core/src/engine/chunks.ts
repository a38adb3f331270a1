/** `values` in arrays of `size` (the last one shorter), read lazily: memory stays one chunk. The default suits `IN (…)` lists (a JSON list parameter each). */
export function* chunksOf<T>(values: Iterable<T>, size = 500): Generator<T[]> {
  let chunk: T[] = [];
  for (const value of values) {
    chunk.push(value);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
