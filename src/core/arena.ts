// Where the arrays of one computation come from. A new Float64Array of more than 8 values gets a
// buffer of its own outside the JS heap: ~1 µs to make (measured, Node 20) and more for the GC to
// sweep, for most arrays of a small request's forward and backward passes. An Arena cuts them
// from a few reused buffers instead (a view costs ~50 ns). It is for computations whose arrays
// are all dead when it is reset: a response written as text, a training step applied.
export type Alloc = (length: number) => Float64Array;

/** Every array its own buffer: for results that outlive the computation (the default). */
export const freshArrays: Alloc = (length) => new Float64Array(length);

/** The longest Float64Array V8 (Node 20) keeps on its heap: 64 bytes. */
const ON_HEAP_MAX = 8;

export class Arena {
  private readonly chunks: Float64Array[] = [];
  private chunk = 0;
  private used = 0;

  /**
   * chunkLength: values per buffer (a larger array gets a buffer of its size); keepLength: values
   * kept over a reset, so that one large computation does not hold its memory for ever.
   */
  constructor(private readonly chunkLength = 1 << 14, private readonly keepLength = 1 << 20) {}

  /** A zeroed array of `length` values, as new Float64Array(length) gives, valid until reset(). */
  readonly take: Alloc = (length) => {
    // Up to 8 values V8 keeps the array on its heap, which is cheaper than a view.
    if (length <= ON_HEAP_MAX) return new Float64Array(length);
    let current = this.chunks[this.chunk];
    while (current && this.used + length > current.length) {
      this.chunk++;
      this.used = 0;
      current = this.chunks[this.chunk];
    }
    if (!current) {
      current = new Float64Array(Math.max(this.chunkLength, length));
      this.chunks.push(current);
    }
    const view = current.subarray(this.used, this.used + length);
    this.used += length;
    return view.fill(0);
  };

  /** Every array taken is free again (none may be used after this). */
  reset(): void {
    this.chunk = 0;
    this.used = 0;
    let kept = 0;
    const keep = this.chunks.findIndex((c) => (kept += c.length) > this.keepLength);
    if (keep >= 0) this.chunks.length = Math.max(keep, 1);
  }
}
