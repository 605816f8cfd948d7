// Compressed request bodies (Content-Encoding: gzip, deflate or br) are decoded before parsing:
// a 2.8 MB request of decimals shrinks to about a third. The body limit applies to the decoded
// bytes as well as to the bytes received (a small bomb cannot expand past MAX_BODY_BYTES); any
// other coding is a 415 naming the accepted ones in Accept-Encoding (RFC 9110 §15.5.16).
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../errors.js';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress,
};
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br, identity';

export function registerContentEncoding(app: FastifyInstance): void {
  // Callback style: an async hook would cost every request a promise.
  app.addHook('preParsing', (request, reply, payload, done) => {
    const coding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!coding || coding === 'identity') return done(null, payload);
    const decoder = DECODERS[coding];
    if (!decoder) {
      reply.header('accept-encoding', ACCEPTED_ENCODINGS);
      return done(new ServiceError('unsupported-media-type', `Content-Encoding ${JSON.stringify(coding)} is not supported: send the body as ${ACCEPTED_ENCODINGS}.`, {
        errors: [{ path: '/headers/content-encoding', message: `must be one of ${ACCEPTED_ENCODINGS}` }],
      }));
    }
    const decoded = decoder() as NodeJS.ReadWriteStream & Readable & { receivedEncodedLength: number };
    // Fastify checks Content-Length and the limit against the bytes received, read from here.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => { decoded.receivedEncodedLength += chunk.length; });
    payload.on('error', (error) => decoded.destroy(error));
    done(null, payload.pipe(decoded));
  });
}
