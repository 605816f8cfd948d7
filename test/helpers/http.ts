// undici helpers for end-to-end tests against a listening server.
import { request } from 'undici';

export interface HttpResult { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await request(base + path, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...headers } });
  return finish(res);
}

export async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return finish(await request(base + path, { method: 'GET', headers }));
}

async function finish(res: Awaited<ReturnType<typeof request>>): Promise<HttpResult> {
  const text = await res.body.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Asserts a problem+json answer and returns it. */
export function problemOf(res: HttpResult): { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] } {
  const type = String(res.headers['content-type']);
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${type}: ${res.text}`);
  if (res.json.status !== res.status) throw new Error(`problem status ${res.json.status} ≠ HTTP ${res.status}`);
  for (const field of ['type', 'title', 'detail']) if (typeof res.json[field] !== 'string') throw new Error(`problem lacks ${field}`);
  return res.json;
}

export const PROBLEM = (slug: string) => `https://gradient-service.dev/problems/${slug}`;
