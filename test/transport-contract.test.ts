import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DemuxError,
  InProcessTransport,
  NatsTransport,
  Slots,
  StatusCode,
  type Job,
  type JobContext,
  type JobServer,
  type JobTransport,
  type Tensor,
} from '@demux/core';
import { testNats, type TestNats } from './support/nats-server.js';

/** A scheduler's and a worker's view of one transport: the same object in-process, two connections over NATS. */
interface TransportPair {
  submitter: JobTransport;
  worker: JobTransport;
  close(): Promise<void>;
}

let nats: TestNats;
beforeAll(async () => {
  nats = await testNats();
});
afterAll(async () => {
  await nats.close();
});

async function natsPair(): Promise<TransportPair> {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const options = {
    servers: nats.url,
    streamName: `DEMUX_CONTRACT_${unique}`,
    subjectPrefix: `demux.contract.${unique}`,
    ackWaitMs: 2_000,
    pullExpiryMs: 1_000,
  };
  const submitter = await NatsTransport.connect({ ...options, name: 'contract-submitter' });
  const worker = await NatsTransport.connect({ ...options, name: 'contract-worker' });
  return {
    submitter,
    worker,
    close: async () => {
      await Promise.all([submitter.close(), worker.close()]);
      const nc = await connect({ servers: nats.url });
      await (await jetstreamManager(nc)).streams.delete(options.streamName).catch(() => false);
      await nc.close();
    },
  };
}

async function inProcessPair(): Promise<TransportPair> {
  const transport = new InProcessTransport();
  return { submitter: transport, worker: transport, close: () => transport.close() };
}

// Each test has a queue of its own, so a job one test leaves behind never reaches another.
let model = { model: 'echo-0', version: 1 };
let testCount = 0;

function job(values: number[]): Job {
  const data = new Uint8Array(new Float32Array(values).buffer);
  return { node: 'echoNode', model: model.model, version: model.version, inputs: [{ name: 'x', dtype: 'FP32', shape: [values.length], data }], outputs: [] };
}

function values(tensor: Tensor | undefined): number[] {
  if (!tensor) throw new Error('no tensor');
  return [...new Float32Array(new Uint8Array(tensor.data).buffer)];
}

/** Doubles its input, after an optional delay, recording what it saw. */
function doubler(delayMs = 0) {
  const seen: JobContext[] = [];
  let running = 0;
  let maxRunning = 0;
  const handler = async (received: Job, context: JobContext): Promise<Tensor[]> => {
    seen.push(context);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    const input = values(received.inputs[0]);
    return [{ name: 'y', dtype: 'FP32', shape: [input.length], data: new Uint8Array(new Float32Array(input.map((v) => v * 2)).buffer) }];
  };
  return { handler, seen, maxRunning: () => maxRunning };
}

const inSeconds = (s: number): number => Date.now() + s * 1000;

describe.each([
  ['in-process', inProcessPair],
  ['NATS JetStream', natsPair],
])('job transport contract: %s', (_name, makePair) => {
  let pair: TransportPair;
  const servers: JobServer[] = [];
  const serve = (handler: ReturnType<typeof doubler>['handler'], slots = 1): JobServer => {
    const server = pair.worker.serve(model, handler, { slots: new Slots(slots) });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    pair = await makePair();
  });
  beforeEach(() => {
    model = { model: `echo-${++testCount}`, version: 1 };
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  afterAll(async () => {
    await pair.close();
  });

  it('answers a job with the outputs its handler returns', async () => {
    serve(doubler().handler);
    const outputs = await pair.submitter.submit(job([1, 2, 3]), { requestId: 'r1', item: '', deadlineMs: inSeconds(10) });
    expect(outputs.map((o) => [o.name, o.dtype, o.shape])).toEqual([['y', 'FP32', [3]]]);
    expect(values(outputs[0])).toEqual([2, 4, 6]);
  });

  it('hands the worker the request id, item, deadline, attempt and traceparent', async () => {
    const echo = doubler();
    serve(echo.handler);
    const deadlineMs = inSeconds(10);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await pair.submitter.submit(job([1]), { requestId: 'r2', item: '3.1', deadlineMs, traceparent });
    expect(echo.seen).toEqual([{ requestId: 'r2', item: '3.1', deadlineMs, attempt: 1, traceparent }]);
  });

  it("rejects the submitter with the worker's error code and message", async () => {
    serve(async () => {
      throw DemuxError.invalidArgument('echo: input "x" is bad');
    });
    const answer = pair.submitter.submit(job([1]), { requestId: 'r3', item: '0', deadlineMs: inSeconds(10) });
    await expect(answer).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT, message: 'echo: input "x" is bad' });
  });

  it('keeps a job until a worker comes to serve it', async () => {
    const answer = pair.submitter.submit(job([5]), { requestId: 'r4', item: '', deadlineMs: inSeconds(10) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    serve(doubler().handler);
    expect(values((await answer)[0])).toEqual([10]);
  });

  it('counts the jobs waiting in a queue until a worker takes them', async () => {
    expect(await pair.submitter.pending(model)).toBe(0);
    const answers = [job([1]), job([2])].map((waiting, i) =>
      pair.submitter.submit(waiting, { requestId: `r11-${i}`, item: '', deadlineMs: inSeconds(10) }),
    );
    await expect.poll(() => pair.submitter.pending(model)).toBe(2);
    expect(await pair.submitter.pending({ ...model, version: 2 })).toBe(0);
    serve(doubler().handler);
    await Promise.all(answers);
    expect(await pair.submitter.pending(model)).toBe(0);
  });

  it('never runs more jobs at once than the worker has slots', async () => {
    const echo = doubler(50);
    serve(echo.handler, 2);
    const answers = Array.from({ length: 6 }, (_, i) =>
      pair.submitter.submit(job([i]), { requestId: `r5-${i}`, item: '', deadlineMs: inSeconds(10) }),
    );
    const results = await Promise.all(answers);
    expect(results.map((outputs) => values(outputs[0])[0])).toEqual([0, 2, 4, 6, 8, 10]);
    expect(echo.maxRunning()).toBe(2);
  });

  it('shares the jobs between two workers', async () => {
    const first = doubler(100);
    const second = doubler(100);
    serve(first.handler);
    serve(second.handler);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => pair.submitter.submit(job([i]), { requestId: `r6-${i}`, item: '', deadlineMs: inSeconds(10) })),
    );
    expect(first.seen.length).toBeGreaterThan(0);
    expect(second.seen.length).toBeGreaterThan(0);
    expect(first.seen.length + second.seen.length).toBe(8);
  });

  it('rejects with DEADLINE_EXCEEDED when no worker answers in time, and never runs the expired job', async () => {
    const answer = pair.submitter.submit(job([1]), { requestId: 'r7', item: '', deadlineMs: Date.now() + 300 });
    await expect(answer).rejects.toMatchObject({ code: StatusCode.DEADLINE_EXCEEDED });
    const late = doubler();
    serve(late.handler);
    const fresh = await pair.submitter.submit(job([4]), { requestId: 'r7-fresh', item: '', deadlineMs: inSeconds(10) });
    expect(values(fresh[0])).toEqual([8]);
    expect(late.seen.map((context) => context.requestId)).toEqual(['r7-fresh']);
  });

  it('rejects with CANCELLED when the submitter aborts', async () => {
    const controller = new AbortController();
    const answer = pair.submitter.submit(job([1]), { requestId: 'r8', item: '', deadlineMs: inSeconds(10), signal: controller.signal });
    controller.abort();
    await expect(answer).rejects.toMatchObject({ code: StatusCode.CANCELLED });
  });

  it('never runs a job whose submitter gave up while it waited in the queue', async () => {
    const controller = new AbortController();
    const abandoned = pair.submitter.submit(job([1]), { requestId: 'r10-abandoned', item: '', deadlineMs: inSeconds(10), signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ code: StatusCode.CANCELLED });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const echo = doubler();
    serve(echo.handler);
    const fresh = await pair.submitter.submit(job([3]), { requestId: 'r10-fresh', item: '', deadlineMs: inSeconds(10) });
    expect(values(fresh[0])).toEqual([6]);
    expect(echo.seen.map((context) => context.requestId)).toEqual(['r10-fresh']);
  });

  it('counts the live workers of a model version, and forgets one as it stops', async () => {
    expect(pair.submitter.liveWorkers(model)).toBe(0);
    const first = serve(doubler().handler);
    const second = serve(doubler().handler);
    await expect.poll(() => pair.submitter.liveWorkers(model)).toBe(2);
    expect(pair.submitter.liveWorkers({ ...model, version: 2 })).toBe(0);
    await first.stop();
    await expect.poll(() => pair.submitter.liveWorkers(model)).toBe(1);
    await second.stop();
    await expect.poll(() => pair.submitter.liveWorkers(model)).toBe(0);
  });

  it('gives the jobs a stopping worker had not started to another worker at once, not after the ack wait', async () => {
    const slow = doubler(300);
    let started = 0;
    let twoStarted!: () => void;
    const running = new Promise<void>((resolve) => (twoStarted = resolve));
    const first = pair.worker.serve(
      model,
      (received, context) => {
        if (++started === 2) twoStarted();
        return slow.handler(received, context);
      },
      { slots: new Slots(2) },
    );
    const answers = Array.from({ length: 6 }, (_, i) => pair.submitter.submit(job([i]), { requestId: `r12-${i}`, item: '', deadlineMs: inSeconds(10) }));
    await running;
    await first.stop();
    const handedOver = performance.now();
    serve(doubler().handler, 6);
    expect((await Promise.all(answers)).map((outputs) => values(outputs[0]))).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i * 2]));
    expect(slow.seen).toHaveLength(2);
    // The NATS pair's ack wait is 2 s: jobs merely left unacknowledged would wait that long.
    expect(performance.now() - handedOver).toBeLessThan(1_500);
  });

  it('lets the jobs in flight finish when a worker stops', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = doubler(300);
    const server = pair.worker.serve(
      model,
      (received, context) => {
        started();
        return slow.handler(received, context);
      },
      { slots: new Slots(1) },
    );
    const answer = pair.submitter.submit(job([7]), { requestId: 'r9', item: '', deadlineMs: inSeconds(10) });
    await running;
    await server.stop();
    expect(values((await answer)[0])).toEqual([14]);
  });
});
