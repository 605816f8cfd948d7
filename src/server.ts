// The process: the only reader of process.env, the only caller of listen and of signals.
import closeWithGrace from 'close-with-grace';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createSessionStore } from './sessions/index.js';

const config = loadConfig(process.env, (path) => readFileSync(path, 'utf8'));
const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'headers.authorization'] });
const now = () => Date.now();
const sessions = createSessionStore(config, { now, log: logger });
const app = await buildApp({ config, logger, services: { now, sessions } });

closeWithGrace({ delay: Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000) }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await app.close();
  await sessions.close();
});

await app.listen({ port: config.port, host: config.host });
