import { DemuxError, StatusCode, type PipelineConfig } from '@demux/core';
import { describe, expect, it } from 'vitest';

import { node, pipeline } from '../pipeline/pipeline-config.fixture.js';
import { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { toyCatalog } from '../pipeline/toy-models.fixture.js';
import { compareItems } from './item-key.js';
import { runPipeline } from './session.js';
import { fp32, range, toyRun, values, type BeforeRun } from './toy-run.fixture.js';

const build = (config: PipelineConfig) => PipelineDefinition.build(config, toyCatalog);

/** resnet50DAG's shape with the classifier toy: each item is one row of 4 "pixels" with batch 1. */
const classifierDAG = build(
  pipeline([node('classify', 'classifier', { pixels: 'request:0' }, { scores: 'scores' })], { scores: 'classify:scores' }, {
    inputs: ['0'],
    demultiplyCount: 'dynamic',
  }),
);

function sortedItems(calls: ReadonlyArray<{ item: string }>): string[] {
  return calls.map((call) => call.item).sort(compareItems);
}

/** Rejects once the signal aborts (a little later, as a transport would), with a message of its own. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abandon = () => setTimeout(() => reject(DemuxError.cancelled('job abandoned')), 10);
    if (signal.aborted) abandon();
    else signal.addEventListener('abort', abandon, { once: true });
  });
}

describe('runPipeline', () => {
  it.each([1, 3, 8, 33])('runs a demultiplexed request of %i items, one job per item, and answers in order', async (batch) => {
    const { run, calls } = toyRun();
    const pixels = range(batch * 4);
    const [scores] = await runPipeline(classifierDAG, [fp32('0', [batch, 1, 4], pixels)], run);
    expect(scores?.name).toBe('scores');
    expect(scores?.shape).toEqual([batch, 1, 2]);
    const expected = range(batch).flatMap((item) => [4 * (4 * item) + 6, 4 * item + 3]);
    expect(values(scores as never)).toEqual(expected);
    expect(sortedItems(calls)).toEqual(range(batch).map(String));
    for (const { job, item } of calls) {
      expect(job).toMatchObject({ node: 'classify', model: 'classifier', version: 1, outputs: ['scores'] });
      expect(job.inputs).toEqual([fp32('pixels', [1, 4], pixels.slice(Number(item) * 4, Number(item) * 4 + 4))]);
    }
  });

  it('runs the items concurrently', async () => {
    let running = 0;
    let most = 0;
    const { run } = toyRun(async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    await runPipeline(classifierDAG, [fp32('0', [8, 1, 4], range(32))], run);
    expect(most).toBe(8);
  });

  it('runs a model → model pipeline once, on the whole request', async () => {
    const definition = build(
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }), node('b', 'addOne', { x: 'a:y' }, { y: 'z' })], { out: 'b:z' }),
    );
    const { run, calls } = toyRun();
    const [out] = await runPipeline(definition, [fp32('x', [2, 4], range(8))], run);
    expect(out).toEqual(fp32('out', [2, 4], range(8, 2)));
    expect(calls.map(({ node, item }) => [node, item])).toEqual([
      ['a', ''],
      ['b', ''],
    ]);
  });

  it('demultiplexes the output of a node other than the first, and the response gathers', async () => {
    const definition = build(
      pipeline(
        [
          node('first', 'addOne', { x: 'request:x' }, { y: 'y' }),
          node('tile', 'tile3', { x: 'first:y' }, { tiles: 'tiles' }, { demultiplyCount: 3 }),
          node('each', 'addOne', { x: 'tile:tiles' }, { y: 'y' }),
        ],
        { out: 'each:y' },
      ),
    );
    const { run, calls } = toyRun();
    const [out] = await runPipeline(definition, [fp32('x', [1, 4], [0, 1, 2, 3])], run);
    expect(out?.shape).toEqual([3, 1, 4]);
    // first: x + 1 = [1,2,3,4]; tile k: (x + 1)·(k + 1); each: + 1.
    expect(values(out as never)).toEqual(range(3).flatMap((k) => [1, 2, 3, 4].map((v) => v * (k + 1) + 1)));
    expect(calls.filter((call) => call.node === 'each').map((call) => call.item)).toEqual(['0', '1', '2']);
  });

  it('gathers at an intermediate node, then runs the node after it once', async () => {
    const definition = build(
      pipeline(
        [
          node('split', 'pairs', { x: 'request:x' }, { pairs: 'pairs' }, { demultiplyCount: 'dynamic' }),
          node('inc', 'addOnePair', { x: 'split:pairs' }, { y: 'y' }),
          node('sum', 'sumPairs', { x: 'inc:y' }, { total: 'total' }, { gatherFromNode: 'split' }),
          node('after', 'addOnePair', { x: 'sum:total' }, { y: 'y' }),
        ],
        { out: 'after:y' },
      ),
    );
    const { run, calls } = toyRun();
    const [out] = await runPipeline(definition, [fp32('x', [1, 6], [1, 2, 3, 4, 5, 6])], run);
    // pairs [1,2] [3,4] [5,6], each + 1, summed: [2+4+6, 3+5+7] = [12, 15], + 1.
    expect(out).toEqual(fp32('out', [1, 2], [13, 16]));
    const sum = calls.find((call) => call.node === 'sum');
    expect(sum?.item).toBe('');
    expect(sum?.job.inputs).toEqual([fp32('x', [3, 1, 2], [2, 3, 4, 5, 6, 7])]);
    expect(calls.filter((call) => call.node === 'after').map((call) => call.item)).toEqual(['']);
  });

  describe('nested fixed demultiplexers', () => {
    const nested = (gatherInner: boolean) =>
      build(
        pipeline(
          [
            node('t3', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3 }),
            node('t2', 'tile2', { x: 't3:tiles' }, { tiles: 'tiles' }, { demultiplyCount: 2 }),
            node('inc', 'addOne', { x: 't2:tiles' }, { y: 'y' }),
            ...(gatherInner ? [node('sum', 'sum4', { x: 'inc:y' }, { total: 'total' }, { gatherFromNode: 't2' })] : []),
          ],
          { out: gatherInner ? 'sum:total' : 'inc:y' },
        ),
      );
    const x = [1, 2, 3, 4];

    it('runs one job per item path and gathers both levels at the response, outermost first', async () => {
      const { run, calls } = toyRun();
      const [out] = await runPipeline(nested(false), [fp32('x', [1, 4], x)], run);
      expect(out?.shape).toEqual([3, 2, 1, 4]);
      expect(values(out as never)).toEqual(range(3).flatMap((i) => range(2).flatMap((j) => x.map((v) => v * (i + 1) * (j + 1) + 1))));
      expect(calls.filter((call) => call.node === 'inc').map((call) => call.item).sort(compareItems)).toEqual([
        '0.0',
        '0.1',
        '1.0',
        '1.1',
        '2.0',
        '2.1',
      ]);
      expect(calls.filter((call) => call.node === 't2').map((call) => call.item).sort(compareItems)).toEqual(['0', '1', '2']);
    });

    it('gathers the inner level at a node and the outer one at the response (LIFO)', async () => {
      const { run, calls } = toyRun();
      const [out] = await runPipeline(nested(true), [fp32('x', [1, 4], x)], run);
      expect(out?.shape).toEqual([3, 1, 4]);
      // For item i: (x·(i+1)·1 + 1) + (x·(i+1)·2 + 1).
      expect(values(out as never)).toEqual(range(3).flatMap((i) => x.map((v) => 3 * v * (i + 1) + 2)));
      expect(calls.filter((call) => call.node === 'sum').map((call) => call.item).sort(compareItems)).toEqual(['0', '1', '2']);
    });
  });

  it('ends the request when a dynamic demultiplexer yields no items', async () => {
    const definition = build(
      pipeline(
        [
          node('split', 'pairs', { x: 'request:x' }, { pairs: 'pairs' }, { demultiplyCount: 'dynamic' }),
          node('inc', 'addOnePair', { x: 'split:pairs' }, { y: 'y' }),
        ],
        { out: 'inc:y' },
      ),
    );
    const { run, calls } = toyRun();
    await expect(runPipeline(definition, [fp32('x', [1, 0], [])], run)).rejects.toThrow(
      expect.objectContaining({
        code: StatusCode.INVALID_ARGUMENT,
        message: 'pipeline p: node split: nothing to demultiply: data item "pairs" has 0 items',
      }),
    );
    expect(calls.map((call) => call.node)).toEqual(['split']);
  });

  it('rejects an empty demultiplexed request', async () => {
    const { run, calls } = toyRun();
    await expect(runPipeline(classifierDAG, [fp32('0', [0, 1, 4], [])], run)).rejects.toThrow(
      'pipeline p: request: nothing to demultiply: data item "0" has 0 items',
    );
    expect(calls).toEqual([]);
  });

  it('rejects a request whose item count is not the fixed demultiply_count', async () => {
    const definition = build(
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' })], { out: 'a:y' }, { demultiplyCount: 3 }),
    );
    await expect(runPipeline(definition, [fp32('x', [2, 1, 4], range(8))], toyRun().run)).rejects.toThrow(
      'pipeline p: request: demultiply_count is 3, but data item "x" has 2 items',
    );
  });

  it('fails with the first error, aborts the other runs and waits for them to settle', async () => {
    const failure = DemuxError.unavailable('worker lost');
    const aborted: string[] = [];
    let settled = 0;
    const { run } = toyRun(async (_, item, signal) => {
      try {
        if (item === '2') throw failure;
        await untilAborted(signal);
      } finally {
        if (signal.aborted && item !== '2') aborted.push(item);
        settled++;
      }
    });
    await expect(runPipeline(classifierDAG, [fp32('0', [5, 1, 4], range(20))], run)).rejects.toBe(failure);
    expect(aborted.sort(compareItems)).toEqual(['0', '1', '3', '4']);
    expect(settled).toBe(5);
  });

  it('starts no node after the first error', async () => {
    const definition = build(
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }), node('b', 'addOne', { x: 'a:y' }, { y: 'y' })], { out: 'b:y' }),
    );
    const { run, calls } = toyRun(async (job) => {
      if (job.node === 'a') throw DemuxError.invalidArgument('bad input');
    });
    await expect(runPipeline(definition, [fp32('x', [1, 4], range(4))], run)).rejects.toThrow('bad input');
    expect(calls.map((call) => call.node)).toEqual(['a']);
  });

  it('cancels the runs in flight when the caller aborts', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const before: BeforeRun = async (_, __, signal) => {
      seen.push(signal);
      if (seen.length === 3) controller.abort();
      await untilAborted(signal);
    };
    const request = runPipeline(classifierDAG, [fp32('0', [3, 1, 4], range(12))], toyRun(before).run, { signal: controller.signal });
    await expect(request).rejects.toThrow(
      expect.objectContaining({ code: StatusCode.CANCELLED, message: 'pipeline p: the request was cancelled' }),
    );
    expect(seen.map((signal) => signal.aborted)).toEqual([true, true, true]);
  });

  it("fails with the caller's reason when it is a DemuxError, such as a deadline", async () => {
    const deadline = DemuxError.deadlineExceeded('deadline exceeded');
    const controller = new AbortController();
    const before: BeforeRun = async (_, __, signal) => {
      controller.abort(deadline);
      await untilAborted(signal);
    };
    await expect(
      runPipeline(classifierDAG, [fp32('0', [1, 1, 4], range(4))], toyRun(before).run, { signal: controller.signal }),
    ).rejects.toBe(deadline);
  });

  it('does not start when the caller has already aborted', async () => {
    const { run, calls } = toyRun();
    await expect(
      runPipeline(classifierDAG, [fp32('0', [1, 1, 4], range(4))], run, { signal: AbortSignal.abort() }),
    ).rejects.toThrow(expect.objectContaining({ code: StatusCode.CANCELLED }));
    expect(calls).toEqual([]);
  });

  describe('requested outputs', () => {
    const twoOutputs = build(
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }), node('b', 'tile2', { x: 'request:x' }, { tiles: 'tiles' })], {
        one: 'a:y',
        two: 'b:tiles',
      }),
    );
    const x = fp32('x', [1, 4], range(4));

    it('answers with every output when none is named', async () => {
      const outputs = await runPipeline(twoOutputs, [x], toyRun().run, { outputs: [] });
      expect(outputs.map((output) => output.name)).toEqual(['one', 'two']);
    });

    it('answers with the outputs asked for, and runs only the nodes they need', async () => {
      const { run, calls } = toyRun();
      const outputs = await runPipeline(twoOutputs, [x], run, { outputs: ['two'] });
      expect(outputs).toEqual([fp32('two', [2, 1, 4], [0, 1, 2, 3, 0, 2, 4, 6])]);
      expect(calls.map((call) => call.node)).toEqual(['b']);
    });

    it('rejects an output the pipeline does not have, listing those it has', async () => {
      const { run, calls } = toyRun();
      await expect(runPipeline(twoOutputs, [x], run, { outputs: ['one', 'three'] })).rejects.toThrow(
        expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message: 'pipeline p: no output "three"; outputs are "one", "two"' }),
      );
      expect(calls).toEqual([]);
    });
  });

  it('rejects a request without an input the pipeline takes', async () => {
    await expect(runPipeline(classifierDAG, [], toyRun().run)).rejects.toThrow(
      expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message: 'pipeline p: missing input "0"' }),
    );
  });

  it('runs a plain model endpoint as one job', async () => {
    const definition = PipelineDefinition.forModel('addOne', 1, toyCatalog.metadata('addOne'));
    const { run, calls } = toyRun();
    expect(await runPipeline(definition, [fp32('x', [3, 4], range(12))], run)).toEqual([fp32('y', [3, 4], range(12, 1))]);
    expect(calls.map(({ node, item, job }) => [node, item, job.model, job.version])).toEqual([['addOne', '', 'addOne', 1]]);
  });

  it('fails as a bug when a model answers without an output it declares', async () => {
    const definition = PipelineDefinition.forModel('addOne', 1, toyCatalog.metadata('addOne'));
    await expect(runPipeline(definition, [fp32('x', [1, 4], range(4))], async () => [])).rejects.toThrow(
      expect.objectContaining({
        code: StatusCode.INTERNAL,
        message: 'model addOne version 1: node addOne: model addOne version 1 returned no output "y"',
      }),
    );
  });
});
