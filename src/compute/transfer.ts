// What crosses to or from a worker thread by transfer rather than by copy: the buffers of the
// typed arrays in a value. A copy of megabytes costs its serialization and, on the receiving
// side, fresh pages (page faults were a tenth of a `wide` request's CPU here).

/**
 * The buffers of the typed arrays in a value, each once, down to depth 6 (the per-chunk
 * gradients of a split backprop). `wholeOnly`: only a buffer a view spans whole, for values of
 * the event loop, where a small Buffer is a slice of Node's shared pool, which must never be
 * detached.
 */
export function buffersOf(value: unknown, wholeOnly = false, out = new Set<ArrayBuffer>(), depth = 0): Set<ArrayBuffer> {
  if (ArrayBuffer.isView(value)) {
    const { buffer } = value;
    if (buffer instanceof ArrayBuffer && (!wholeOnly || (value.byteOffset === 0 && value.byteLength === buffer.byteLength))) out.add(buffer);
  } else if (value && typeof value === 'object' && depth < 6) {
    for (const v of Object.values(value)) buffersOf(v, wholeOnly, out, depth + 1);
  }
  return out;
}
