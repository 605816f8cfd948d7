// The requests in flight, in arrival order, in one list kept by one onRequest and one onResponse
// hook. Two things need it: the handler timeout (timeout.ts), and the graceful drain (shutdown.ts),
// which closes the connections of the requests running when it starts, after their response.
// A hook costs every request its call, and these concerns used six, an onSend among them (with
// none, fastify skips its onSend runner): three now, a small saving (~1 % of a tiny request).
//
// With one timeout for all, arrival order is also the order deadlines pass in, so one timer, for
// the oldest, serves them all, and a request that ends only unlinks itself. A Node timer per
// request cost a tiny request ~2 % of its CPU: with a few requests in flight, Node's list for the
// duration kept emptying, and each clearTimeout of its last timer deleted the list, which the
// next setTimeout made again (a slow keyed store).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface Running {
  /** When its time is up (performance.now() ms); Infinity without a timeout. */
  at: number;
  request: FastifyRequest | null;
  reply: FastifyReply | null;
  previous: Running | null;
  next: Running | null;
  /** Close the connection once the response is over (a drain began after its headers went out). */
  closeAfter: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's place in the list (null once it has ended). A property rather than an entry
     * of a WeakMap: one WeakMap entry per request made every young-generation collection slower.
     */
    running: Running | null;
  }
}

export class InFlight {
  private oldest: Running | null = null;
  private newest: Running | null = null;
  private timer: NodeJS.Timeout | undefined;

  /** timeoutMs ≤ 0: no deadlines (expire is never called). */
  constructor(private readonly timeoutMs: number, private readonly expire: (request: FastifyRequest, reply: FastifyReply) => void,
    private readonly now: () => number = () => performance.now()) {}

  add(request: FastifyRequest, reply: FastifyReply): Running {
    const at = this.timeoutMs > 0 ? this.now() + this.timeoutMs : Infinity;
    const running: Running = { at, request, reply, previous: this.newest, next: null, closeAfter: false };
    if (this.newest) this.newest.next = running;
    else this.oldest = running;
    this.newest = running;
    if (!this.timer && at !== Infinity) this.arm(at);
    return running;
  }

  /** A request that ended (or expired); the timer stays armed for the next. */
  remove(running: Running): void {
    if (running.request === null) return;
    if (running.previous) running.previous.next = running.next;
    else this.oldest = running.next;
    if (running.next) running.next.previous = running.previous;
    else this.newest = running.previous;
    running.previous = running.next = running.request = running.reply = null;
  }

  /** Every request in flight, oldest first. */
  *[Symbol.iterator](): IterableIterator<Running> {
    for (let r = this.oldest; r; r = r.next) yield r;
  }

  get size(): number {
    let n = 0;
    for (let r = this.oldest; r; r = r.next) n++;
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
        request!.running = null;
        this.expire(request!, reply!);
      }
    } finally {
      // Early (the loop's clock lags) or after a throw: the rest keep their deadlines.
      if (this.oldest && !this.timer) this.arm(this.oldest.at);
    }
  }
}

/**
 * Keeps app's requests in an InFlight list. refuse: answers a request instead of letting it in
 * (shutdown.ts, while draining), or returns false.
 */
export function registerInFlight(app: FastifyInstance, list: InFlight, refuse: (request: FastifyRequest, reply: FastifyReply) => boolean): void {
  app.decorateRequest('running', null);
  // Callback style: an async hook costs every request a promise. A hook that answers does not call done().
  app.addHook('onRequest', (request, reply, done) => {
    if (refuse(request, reply)) return;
    request.running = list.add(request, reply);
    done();
  });
  const ended = (request: FastifyRequest) => {
    const { running } = request;
    if (!running) return;
    request.running = null;
    // A response whose headers went out before the drain (a stream) was sent keep-alive: its
    // connection closes now that the last byte is written. destroySoon() flushes, sends FIN and
    // frees the socket without waiting for the client's FIN, which a client need not send before
    // the keep-alive timeout, and server.close() would wait for it.
    if (running.closeAfter) request.raw.socket?.destroySoon();
    list.remove(running);
  };
  app.addHook('onResponse', (request, _reply, done) => { ended(request); done(); });
  app.addHook('onRequestAbort', (request, done) => { ended(request); done(); });
}
