// POST /v1/sessions/{id}/steps with Accept: application/x-ndjson or text/event-stream: the same
// URL as the plain route, chosen by a route constraint on Accept, answered as a stream of events
// (src/progress/step-stream.ts). Hidden from OpenAPI: the step route's description documents it.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { StepBody, SessionIdParams, type StepRequest } from '../schemas/sessions.js';
import { StreamStepsQuery } from '../schemas/visuals.js';
import { STREAM_MEDIA_TYPES, type StreamFormat, frameEvent, streamFormatOf } from '../src/http/event-stream.js';
import { contextOf } from '../src/http/operation-route.js';
import { type StepEvent, streamSteps } from '../src/progress/step-stream.js';

/** find-my-way constraint: the derived value is the stream format the Accept header asks for. */
const streamStrategy = {
  name: 'stream',
  storage() {
    const handlers = new Map<string, unknown>();
    return {
      get: (format: string) => handlers.get(format) ?? null,
      set: (format: string, store: unknown) => { handlers.set(format, store); },
    };
  },
  deriveConstraint: (req: { headers: Record<string, string | string[] | undefined> }) => streamFormatOf(req.headers.accept),
  mustMatchWhenDerived: false,
};

export default async function stepStreamRoutes(app: FastifyInstance): Promise<void> {
  if (!app.hasConstraintStrategy(streamStrategy.name)) app.addConstraintStrategy(streamStrategy as never);
  // On close, running streams end after their chunk in progress instead of holding the shutdown.
  const shutdown = new AbortController();
  app.addHook('preClose', async () => { shutdown.abort(); });
  for (const format of Object.keys(STREAM_MEDIA_TYPES) as StreamFormat[]) {
    app.post('/v1/sessions/:id/steps', {
      constraints: { stream: format },
      schema: { hide: true, body: StepBody, params: SessionIdParams, querystring: StreamStepsQuery },
    }, async (request, reply) => {
      const ctx = contextOf(request, reply);
      const disconnected = new AbortController();
      reply.raw.once('close', () => { if (!reply.raw.writableFinished) disconnected.abort(); });
      const { chunk } = request.query as StreamStepsQuery;
      const params = { ...(request.body as object), ...(request.params as object) } as StepRequest;
      const events = streamSteps(params, ctx, {
        chunkSteps: chunk === undefined ? undefined : Number(chunk), streamSignal: disconnected.signal, shutdown: shutdown.signal,
      });
      let first: IteratorResult<StepEvent>;
      try {
        first = await events.next(); // refusals throw here, before any byte: a plain problem response
      } catch (error) {
        if (reply.sent) return reply; // the handler timeout has answered already
        throw error;
      }
      if (reply.sent) return reply;
      async function* frames() {
        if (!first.done) yield frameEvent(format, first.value);
        for await (const event of events) yield frameEvent(format, event);
      }
      return reply
        .type(STREAM_MEDIA_TYPES[format])
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no') // a proxy (nginx) must pass each event on at once
        .send(Readable.from(frames(), { objectMode: false }));
    });
  }
}
