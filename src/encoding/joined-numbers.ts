// A response value jsonBytes (json-bytes.ts) writes without formatting numbers twice.
/**
 * One JSON array of the numbers of several Float64Arrays, in order: the gradient vector, whose
 * numbers the response also holds layer by layer. jsonBytes copies the bytes of a part it has
 * written already (the same Float64Array object) instead of formatting its numbers again; the
 * text is the same. JSON.stringify writes the numbers (toJSON).
 */
export class JoinedNumbers {
  constructor(readonly parts: readonly Float64Array[]) {}

  toJSON(): number[] {
    const out: number[] = [];
    for (const part of this.parts) for (let i = 0; i < part.length; i++) out.push(part[i]);
    return out;
  }
}
