// JSON kept as bytes across the event loop. RawJson: a response body already serialized (by a
// worker thread): the REST door sends the bytes as they are; anything that still calls
// JSON.stringify on it (an envelope) gets the value back. JsonText: the same, serialized on the
// event loop as a string (gradient-text.ts), where the door said it sends text as it is. UnparsedJson: a large request body not
// parsed on the event loop at all (src/http/json-body.ts): a worker parses, validates and runs it.
export class RawJson {
  constructor(readonly bytes: Uint8Array) {}

  toJSON(): unknown {
    return JSON.parse(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8'));
  }
}

export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

export class UnparsedJson {
  constructor(readonly bytes: Uint8Array) {}
}
