// A response body already serialized (by a worker thread): the REST door sends the bytes as
// they are; anything that still calls JSON.stringify on it (an envelope) gets the value back.
export class RawJson {
  constructor(readonly bytes: Uint8Array) {}

  toJSON(): unknown {
    return JSON.parse(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8'));
  }
}
