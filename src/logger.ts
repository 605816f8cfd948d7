// The service's pino options (server.ts writes with them; a test holds the request line to them).
import type { LoggerOptions } from 'pino';

/** API keys travel in Authorization: redacted wherever a request's headers could be logged. */
export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: ['req.headers.authorization', 'headers.authorization', 'authorization'] };
}
