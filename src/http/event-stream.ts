// Streamed responses: which format the client asked for (Accept), and how one event is framed.
//   NDJSON (application/x-ndjson): one JSON object per line.
//   SSE (text/event-stream): "event: <name>" and "data: <the same JSON object>", blank line.

export type StreamFormat = 'ndjson' | 'sse';

export const STREAM_MEDIA_TYPES: Record<StreamFormat, string> = {
  ndjson: 'application/x-ndjson',
  sse: 'text/event-stream',
};

/** q of each media range the Accept header names explicitly (wildcards are not a request to stream). */
function qualities(accept: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    out.set(range, Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0);
  }
  return out;
}

/**
 * The stream format the client asked for, or undefined for the plain JSON response: a stream
 * when Accept names application/x-ndjson or text/event-stream with q > 0 and at least the q it
 * gives application/json; NDJSON wins a tie with SSE.
 */
export function streamFormatOf(accept: string | string[] | undefined): StreamFormat | undefined {
  if (accept === undefined) return undefined;
  const q = qualities(Array.isArray(accept) ? accept.join(',') : accept);
  const ndjson = q.get(STREAM_MEDIA_TYPES.ndjson) ?? 0;
  const sse = q.get(STREAM_MEDIA_TYPES.sse) ?? 0;
  const json = q.get('application/json') ?? 0;
  const best = Math.max(ndjson, sse);
  if (best === 0 || best < json) return undefined;
  return ndjson >= sse ? 'ndjson' : 'sse';
}

export function frameEvent(format: StreamFormat, event: { event: string }): string {
  const json = JSON.stringify(event);
  return format === 'ndjson' ? `${json}\n` : `event: ${event.event}\ndata: ${json}\n\n`;
}
