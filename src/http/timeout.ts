// The handler timeout: a request not answered within HANDLER_TIMEOUT_MS gets a 503 problem
// (JSON-RPC error on /rpc) and its signal aborts (request-signal.ts), so work that yields or runs
// off the event loop can stop. Fastify 5's own `handlerTimeout` is not used: on Node 20 a
// request's 'close' event fires as soon as its body is read, which clears fastify's timer for
// every POST.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { handlerTimeout, sendError } from './problems.js';
import { abortRequest } from './request-signal.js';

export interface Deadline {
  at: number;
  request: FastifyRequest | null;
  reply: FastifyReply | null;
  previous: Deadline | null;
  next: Deadline | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's place among the running deadlines (null when the timeout is off or it has
     * ended). A property rather than an entry of a WeakMap: one WeakMap entry per request made
     * every young-generation collection slower.
     */
    deadline: Deadline | null;
  }
}

/**
 * The deadlines of running requests, in arrival order. With one timeout for all, that is also
 * the order they expire in, so one timer, for the oldest, serves them all, and a request that
 * ends only unlinks itself. A Node timer per request cost a tiny request ~2 % of its CPU: with
 * a few requests in flight, Node's list for the duration kept emptying, and each clearTimeout of
 * its last timer deleted the list, which the next setTimeout made again (a slow keyed store).
 */
export class Deadlines {
  private oldest: Deadline | null = null;
  private newest: Deadline | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number, private readonly expire: (request: FastifyRequest, reply: FastifyReply) => void,
    private readonly now: () => number = () => performance.now()) {}

  add(request: FastifyRequest, reply: FastifyReply): Deadline {
    const deadline: Deadline = { at: this.now() + this.timeoutMs, request, reply, previous: this.newest, next: null };
    if (this.newest) this.newest.next = deadline;
    else this.oldest = deadline;
    this.newest = deadline;
    if (!this.timer) this.arm(deadline.at);
    return deadline;
  }

  /** A deadline that will not expire (its request ended); the timer stays armed for the next. */
  remove(deadline: Deadline): void {
    if (deadline.request === null) return;
    if (deadline.previous) deadline.previous.next = deadline.next;
    else this.oldest = deadline.next;
    if (deadline.next) deadline.next.previous = deadline.previous;
    else this.newest = deadline.previous;
    deadline.previous = deadline.next = deadline.request = deadline.reply = null;
  }

  /** How many requests are running (tests). */
  get size(): number {
    let n = 0;
    for (let d = this.oldest; d; d = d.next) n++;
    return n;
  }

  private arm(at: number): void {
    // Unref'd: a running request holds the process by its socket; an idle timer must not.
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(at - this.now()))).unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    try {
      while (this.oldest && this.oldest.at <= now) {
        const { request, reply } = this.oldest;
        this.remove(this.oldest);
        this.expire(request!, reply!);
      }
    } finally {
      // Early (the loop's clock lags) or after a throw: the rest keep their deadlines.
      if (this.oldest && !this.timer) this.arm(this.oldest.at);
    }
  }
}

export function registerHandlerTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.decorateRequest('deadline', null);
  if (timeoutMs <= 0) return;
  const deadlines = new Deadlines(timeoutMs, (request, reply) => {
    request.deadline = null;
    const error = handlerTimeout();
    abortRequest(request, error);
    if (reply.sent || reply.raw.headersSent) return;
    request.log.warn({ timeoutMs }, 'handler timeout');
    sendError(request, reply, error);
  });
  app.addHook('onRequest', (request, reply, done) => {
    request.deadline = deadlines.add(request, reply);
    done();
  });
  const clear = (request: FastifyRequest) => {
    if (request.deadline) {
      deadlines.remove(request.deadline);
      request.deadline = null;
    }
  };
  app.addHook('onResponse', (request, _reply, done) => { clear(request); done(); });
  app.addHook('onRequestAbort', (request, done) => { clear(request); done(); });
}
