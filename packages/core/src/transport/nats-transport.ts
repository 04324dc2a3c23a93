import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, createInbox, headers, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { DemuxError } from '../errors.js';
import type { NatsFlags } from '../flags.js';
import type { Tensor } from '../tensor.js';
import { serveJobs, type DeliveredJob, type JobSource } from './job-server.js';
import { describeJob, type Job, type JobContext, type JobHandler, type JobServer, type JobTransport, type ModelRef, type ServeOptions, type SubmitOptions } from './job-transport.js';
import { decodeJob, decodeJobResult, encodeJob, encodeJobResult } from './job-wire.js';
import { PendingReplies } from './pending-replies.js';
import { Presence } from './presence.js';

export interface NatsTransportOptions {
  /** The NATS server URL(s), e.g. nats://127.0.0.1:4222. */
  servers: string | string[];
  /** The connection's name, as the server's monitoring shows it. */
  name?: string;
  /** The work-queue stream holding every job. Default DEMUX_JOBS. */
  streamName?: string;
  /** Jobs go to `<subjectPrefix>.<model>.<version>`. Default demux.jobs. */
  subjectPrefix?: string;
  /** A job unacknowledged this long (its worker died) is redelivered; a running job's heartbeats hold it. Default 10 s. */
  ackWaitMs?: number;
  /** Deliveries of one job before JetStream gives up on it. Default 5. */
  maxDeliver?: number;
  /** How long one pull request waits for jobs before it is renewed. Default 2 s. */
  pullExpiryMs?: number;
  /** Jobs are short-lived: memory storage unless they must survive a broker restart. */
  storage?: 'memory' | 'file';
  /** Jobs older than this are discarded by the stream; no deadline is that long. Default 10 min. */
  maxJobAgeMs?: number;
  /** How often a worker announces the models it serves; one unheard of for three intervals is gone. Default 1 s. */
  presenceIntervalMs?: number;
}

type CompiledOptions = Required<NatsTransportOptions>;

/** A published job awaiting its answer: enough to publish it again, and its place in the stream. */
interface UnansweredJob {
  subject: string;
  payload: Uint8Array;
  headers: MsgHdrs;
  seq?: number;
}

const DEFAULTS = {
  name: 'demux',
  streamName: 'DEMUX_JOBS',
  subjectPrefix: 'demux.jobs',
  ackWaitMs: 10_000,
  maxDeliver: 5,
  pullExpiryMs: 2_000,
  storage: 'memory',
  maxJobAgeMs: 600_000,
  presenceIntervalMs: 1_000,
} as const satisfies Omit<CompiledOptions, 'servers'>;

const HEADER = {
  requestId: 'Demux-Request-Id',
  item: 'Demux-Item',
  deadline: 'Demux-Deadline',
  replyTo: 'Demux-Reply-To',
  traceparent: 'traceparent',
} as const;

/** Subject tokens and consumer names allow neither '.', '*', '>' nor white space: escape all but a safe set. */
export function subjectToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}~`);
}

/**
 * The job contract over NATS JetStream: jobs are messages in one work-queue stream, one durable
 * pull consumer per model version; replies travel on core NATS to the submitter's inbox.
 */
export class NatsTransport implements JobTransport {
  readonly kind = 'nats' as const;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #options: CompiledOptions;
  readonly #inbox: string;
  readonly #replies = new PendingReplies();
  readonly #presence: Presence;
  #connected = true;
  /** Jobs published and not answered yet, kept to publish again if the broker loses its stream. */
  readonly #unanswered = new Map<string, UnansweredJob>();
  #nextId = 0;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: CompiledOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc);
    this.#options = options;
    this.#inbox = createInbox(`_INBOX.demux`);
    this.#presence = new Presence(nc, `_DEMUX.presence.${subjectToken(options.streamName)}`, this.#inbox, options.presenceIntervalMs);
    void this.#recoverAfterReconnects();
    nc.subscribe(`${this.#inbox}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const id = msg.subject.slice(this.#inbox.length + 1);
        if (!this.#replies.has(id)) return;
        try {
          this.#replies.settle(id, decodeJobResult(msg.data));
        } catch (cause) {
          this.#replies.settle(id, { error: DemuxError.internal('a worker sent an unreadable reply', { cause }) });
        }
      },
    });
  }

  static async connect(options: NatsTransportOptions): Promise<NatsTransport> {
    const compiled: CompiledOptions = { ...DEFAULTS, ...options };
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: compiled.servers, name: compiled.name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    } catch (cause) {
      throw DemuxError.unavailable(`cannot connect to NATS at ${String(compiled.servers)}`, { cause });
    }
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, compiled);
    return new NatsTransport(nc, jsm, compiled);
  }

  /** The transport of a service running on its own, which needs NATS. */
  static forService(service: string, flags: NatsFlags, options: Partial<NatsTransportOptions> = {}): Promise<NatsTransport> {
    if (!flags.natsUrl) throw DemuxError.invalidArgument(`a ${service} on its own needs NATS: set NATS_URL or --nats`);
    return NatsTransport.connect({
      servers: flags.natsUrl,
      name: `demux-${service}`,
      streamName: flags.natsStream,
      subjectPrefix: flags.natsSubjectPrefix,
      ...options,
    });
  }

  get connection(): NatsConnection {
    return this.#nc;
  }

  subject(target: ModelRef): string {
    return `${this.#options.subjectPrefix}.${subjectToken(target.model)}.${target.version}`;
  }

  consumerName(target: ModelRef): string {
    return `${subjectToken(this.#options.streamName)}_${subjectToken(target.model)}_v${target.version}`;
  }

  async submit(job: Job, options: SubmitOptions): Promise<Tensor[]> {
    const id = String(++this.#nextId);
    const description = describeJob(job, options);
    const replyTo = `${this.#inbox}.${id}`;
    const reply = this.#replies.wait(id, options.deadlineMs, options.signal, description);
    const h = headers();
    h.set(HEADER.requestId, options.requestId);
    h.set(HEADER.item, options.item);
    h.set(HEADER.deadline, String(options.deadlineMs));
    h.set(HEADER.replyTo, replyTo);
    if (options.traceparent) h.set(HEADER.traceparent, options.traceparent);
    const unanswered: UnansweredJob = { subject: this.subject(job), payload: encodeJob(job), headers: h };
    this.#unanswered.set(id, unanswered);
    // A job given up on while still queued is deleted from the stream, so no worker runs it.
    const onAbort = (): void => {
      if (unanswered.seq !== undefined) this.#jsm.streams.deleteMessage(this.#options.streamName, unanswered.seq, false).catch(() => {});
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const answered = reply.finally(() => {
      this.#unanswered.delete(id);
      options.signal?.removeEventListener('abort', onAbort);
    });
    // The reply may be settled (deadline, abort) while publishing; the caller still gets it below.
    answered.catch(() => {});
    try {
      await this.#publish(id, unanswered, Math.min(5_000, options.deadlineMs - Date.now()));
    } catch (cause) {
      this.#replies.settle(id, { error: this.#publishError(description, cause) });
    }
    return answered;
  }

  serve(target: ModelRef, handler: JobHandler, options: ServeOptions): JobServer {
    const feed = new JobFeed(() => this.#consume(target, options.slots.capacity), (msg) => this.#delivered(msg));
    const server = serveJobs(feed, handler, options, {
      heartbeatMs: Math.max(100, Math.floor(this.#options.ackWaitMs / 3)),
      retryMs: 500,
    });
    this.#presence.add(target);
    return {
      get inFlight() {
        return server.inFlight;
      },
      stop: async () => {
        this.#presence.remove(target);
        await server.stop();
        await feed.close();
      },
    };
  }

  liveWorkers(target: ModelRef): number {
    return this.#presence.live(target);
  }

  /** False while the connection to NATS is lost: readiness reads it. */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Jobs waiting in a model's queue, not yet delivered to a worker: what autoscaling reads. It
   * only looks: the durable consumer is the workers' to create, with their ack wait.
   */
  async pending(target: ModelRef): Promise<number> {
    try {
      return (await this.#jsm.consumers.info(this.#options.streamName, this.consumerName(target))).num_pending;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
    }
    // No worker has pulled yet: every job on the subject is waiting.
    const subject = this.subject(target);
    const stream = await this.#jsm.streams.info(this.#options.streamName, { subjects_filter: subject });
    return stream.state.subjects?.[subject] ?? 0;
  }

  async close(): Promise<void> {
    this.#replies.failAll(DemuxError.unavailable('the NATS transport closed'));
    this.#presence.close();
    if (!this.#nc.isClosed()) await this.#nc.drain();
  }

  #publishError(description: string, cause: unknown): DemuxError {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/max.?payload/i.test(message)) {
      return DemuxError.resourceExhausted(
        `job ${description} is larger than the NATS server's max_payload of ${this.#nc.info?.max_payload ?? '?'} bytes`,
        { cause },
      );
    }
    return DemuxError.unavailable(`cannot publish job ${description} to NATS: ${message}`, { cause });
  }

  async #publish(id: string, job: UnansweredJob, timeoutMs: number): Promise<void> {
    const ack = await this.#js.publish(job.subject, job.payload, {
      headers: job.headers,
      msgID: `${this.#inbox}.${id}`,
      timeout: Math.max(1, timeoutMs),
    });
    job.seq = ack.seq;
  }

  /**
   * After a reconnect the broker may be a new one that lost the memory stream, its consumers
   * and the jobs queued in it: recreate them and publish the unanswered jobs again. A stream that
   * survived drops the copies by their message ids; a job a worker was running meanwhile may be
   * answered twice, and the first answer wins.
   */
  async #recoverAfterReconnects(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') this.#connected = false;
      if (status.type !== 'reconnect') continue;
      this.#connected = true;
      try {
        await ensureStream(this.#jsm, this.#options);
        for (const [id, job] of this.#unanswered) {
          this.#publish(id, job, 5_000).catch(() => {});
        }
      } catch {
        // The next reconnect, or the next publish, tries again.
      }
    }
  }

  /**
   * A standing pull on the model's consumer holding at most `capacity` jobs: JetStream pushes
   * jobs as the worker takes them, without a pull request (and its subscription) per job.
   * A missing stream or consumer (a restarted broker) ends it, and the next pull recreates both.
   */
  async #consume(target: ModelRef, capacity: number): Promise<ConsumerMessages> {
    const name = this.consumerName(target);
    await ensureConsumer(this.#jsm, this.#options, name, this.subject(target));
    const consumer = await this.#js.consumers.get(this.#options.streamName, name);
    return consumer.consume({ max_messages: capacity, expires: this.#options.pullExpiryMs, abort_on_missing_resource: true });
  }

  /** A job message as the worker's pull loop takes it; undefined for an unreadable one, answered and dropped here. */
  #delivered(msg: JsMsg): DeliveredJob | undefined {
    const replyTo = msg.headers?.get(HEADER.replyTo) ?? '';
    let job: Job;
    let context: JobContext;
    try {
      job = decodeJob(msg.data);
      context = readContext(msg);
    } catch (cause) {
      // An unreadable job can never succeed: answer it if possible and never deliver it again.
      msg.term();
      const reason = cause instanceof Error ? cause.message : String(cause);
      const error = DemuxError.invalidArgument(`unreadable job: ${reason}`, { cause });
      if (replyTo) this.#nc.publish(replyTo, encodeJobResult({ error }));
      return undefined;
    }
    return {
      job,
      context,
      working: () => msg.working(),
      complete: async (outcome) => {
        if (replyTo) this.#nc.publish(replyTo, encodeJobResult(outcome));
        msg.ack();
      },
      drop: async () => msg.ack(),
    };
  }
}

/**
 * One model version's jobs for one worker's pull loop, taken from a standing pull. A job the
 * loop was not waiting for any more when it arrived waits for the next call; jobs still held
 * when the worker stops go back to the stream at once, for other workers.
 */
class JobFeed implements JobSource {
  #messages: ConsumerMessages | undefined;
  #iterator: AsyncIterator<JsMsg> | undefined;
  /** A take from the iterator that outlived the call that started it. */
  #taking: Promise<IteratorResult<JsMsg>> | undefined;

  constructor(
    private readonly consume: () => Promise<ConsumerMessages>,
    private readonly deliver: (msg: JsMsg) => DeliveredJob | undefined,
  ) {}

  async next(signal: AbortSignal): Promise<DeliveredJob | undefined> {
    if (!this.#iterator) {
      this.#messages = await this.consume();
      this.#iterator = this.#messages[Symbol.asyncIterator]();
    }
    this.#taking ??= this.#iterator.next();
    let result: IteratorResult<JsMsg> | undefined;
    try {
      result = await untilAborted(this.#taking, signal);
    } catch (error) {
      this.#reset();
      throw error;
    }
    if (result === undefined) return undefined;
    this.#taking = undefined;
    if (result.done) {
      // The pull ended (a missing consumer, a closed connection): the loop waits, then starts a new one.
      this.#reset();
      throw DemuxError.unavailable('the pull on the job stream ended');
    }
    return this.deliver(result.value);
  }

  async close(): Promise<void> {
    const messages = this.#messages;
    const iterator = this.#iterator;
    const taking = this.#taking;
    this.#reset();
    if (!messages || !iterator) return;
    messages.stop();
    const nak = (result: IteratorResult<JsMsg>): void => {
      if (!result.done) result.value.nak();
    };
    try {
      if (taking) nak(await taking);
      for (let result = await iterator.next(); !result.done; result = await iterator.next()) nak(result);
    } catch {
      // A pull that failed holds no jobs.
    }
  }

  #reset(): void {
    this.#messages = undefined;
    this.#iterator = undefined;
    this.#taking = undefined;
  }
}

/** The promise's value, or undefined once the signal aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function readContext(msg: JsMsg): JobContext {
  const h: MsgHdrs | undefined = msg.headers;
  const deadlineMs = Number(h?.get(HEADER.deadline));
  if (!h || !Number.isFinite(deadlineMs)) throw new Error('job headers lack a deadline');
  const traceparent = h.get(HEADER.traceparent);
  return {
    requestId: h.get(HEADER.requestId),
    item: h.get(HEADER.item),
    deadlineMs,
    attempt: msg.info.deliveryCount,
    ...(traceparent ? { traceparent } : {}),
  };
}

/** Creates the job stream unless it exists. */
async function ensureStream(jsm: JetStreamManager, options: CompiledOptions): Promise<void> {
  const config = {
    name: options.streamName,
    subjects: [`${options.subjectPrefix}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: options.storage === 'file' ? StorageType.File : StorageType.Memory,
    max_age: nanos(options.maxJobAgeMs),
    duplicate_window: nanos(Math.min(120_000, options.maxJobAgeMs)),
  };
  try {
    await jsm.streams.info(options.streamName);
  } catch {
    try {
      await jsm.streams.add(config);
    } catch (cause) {
      // Another service may have created it between our look and our add.
      await jsm.streams.info(options.streamName).catch(() => {
        throw DemuxError.unavailable(`cannot create JetStream stream ${options.streamName}`, { cause });
      });
    }
  }
}

async function ensureConsumer(jsm: JetStreamManager, options: CompiledOptions, name: string, subject: string): Promise<void> {
  try {
    await jsm.consumers.info(options.streamName, name);
  } catch {
    await jsm.consumers.add(options.streamName, {
      durable_name: name,
      filter_subject: subject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs),
      max_deliver: options.maxDeliver,
      max_ack_pending: -1,
    });
  }
}
