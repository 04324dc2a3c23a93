import { StatusCode, type PipelineConfig } from '@demux/core';
import { describe, expect, it } from 'vitest';

import { node, pipeline } from './pipeline-config.fixture.js';
import { PipelineDefinition } from './pipeline-definition.js';
import { toyCatalog } from './toy-models.fixture.js';

const build = (config: PipelineConfig) => PipelineDefinition.build(config, toyCatalog);

/** OVMS's resnet50DAG (docs/dynamic_bs_demultiplexer.md): the request itself is demultiplexed. */
function resnet50DAG(model: string, demultiplyCount: number | 'dynamic' = 'dynamic'): PipelineConfig {
  return pipeline([node('resnetNode', model, { '0': 'request:0' }, { '1463': '1463' })], { '1463': 'resnetNode:1463' }, {
    name: 'resnet50DAG',
    inputs: ['0'],
    demultiplyCount,
  });
}

describe('PipelineDefinition metadata', () => {
  it("shows resnet50DAG as OVMS's guide does, with its batch-1 model: the item dimension, then the model's shape", () => {
    expect(build(resnet50DAG('resnetBatch1')).metadata()).toEqual({
      inputs: [{ name: '0', dtype: 'FP32', shape: [-1, 1, 3, 224, 224] }],
      outputs: [{ name: '1463', dtype: 'FP32', shape: [-1, 1, 1000] }],
    });
  });

  it('keeps a dynamic batch of the model inside each item, as OVMS does', () => {
    expect(build(resnet50DAG('resnet')).metadata()).toEqual({
      inputs: [{ name: '0', dtype: 'FP32', shape: [-1, -1, 3, 224, 224] }],
      outputs: [{ name: '1463', dtype: 'FP32', shape: [-1, -1, 1000] }],
    });
  });

  it('shows a fixed demultiply_count as the item dimension', () => {
    expect(build(resnet50DAG('resnetBatch1', 3)).metadata()).toEqual({
      inputs: [{ name: '0', dtype: 'FP32', shape: [3, 1, 3, 224, 224] }],
      outputs: [{ name: '1463', dtype: 'FP32', shape: [3, 1, 1000] }],
    });
    expect(build(resnet50DAG('resnet', 3)).metadata().inputs).toEqual([{ name: '0', dtype: 'FP32', shape: [3, -1, 3, 224, 224] }]);
  });

  it('shows a two-node pipeline with the first model input and the last model output', () => {
    const config = pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }), node('b', 'addOne', { x: 'a:y' }, { y: 'y' })], {
      out: 'b:y',
    });
    expect(build(config).metadata()).toEqual({
      inputs: [{ name: 'x', dtype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'out', dtype: 'FP32', shape: [-1, 4] }],
    });
  });

  it('prepends the count of a node demultiplexer that the response gathers', () => {
    const config = pipeline(
      [node('t', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3 }), node('a', 'addOne', { x: 't:tiles' }, { y: 'y' })],
      { out: 'a:y', tiles: 't:tiles' },
    );
    expect(build(config).metadata()).toEqual({
      inputs: [{ name: 'x', dtype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'out', dtype: 'FP32', shape: [3, -1, 4] },
        { name: 'tiles', dtype: 'FP32', shape: [3, -1, 4] },
      ],
    });
  });

  it('adds no dimension for items gathered at an intermediate node', () => {
    const config = pipeline(
      [
        node('split', 'pairs', { x: 'request:x' }, { pairs: 'pairs' }, { demultiplyCount: 'dynamic' }),
        node('inc', 'addOnePair', { x: 'split:pairs' }, { y: 'y' }),
        node('sum', 'sumPairs', { x: 'inc:y' }, { total: 'total' }, { gatherFromNode: 'split' }),
        node('after', 'addOnePair', { x: 'sum:total' }, { y: 'y' }),
      ],
      { out: 'after:y' },
    );
    expect(build(config).metadata()).toEqual({
      inputs: [{ name: 'x', dtype: 'FP32', shape: [-1, -1] }],
      outputs: [{ name: 'out', dtype: 'FP32', shape: [-1, 2] }],
    });
  });

  it('gathers nested demultiplexers innermost first, at a node and then at the response', () => {
    const config = pipeline(
      [
        node('t3', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3 }),
        node('t2', 'tile2', { x: 't3:tiles' }, { tiles: 'tiles' }, { demultiplyCount: 2 }),
        node('inc', 'addOne', { x: 't2:tiles' }, { y: 'y' }),
        node('sum', 'sum4', { x: 'inc:y' }, { total: 'total' }, { gatherFromNode: 't2' }),
      ],
      { total: 'sum:total', each: 'inc:y' },
    );
    expect(() => build(config)).toThrow(
      'pipeline p: response: outputs come from different demultiplexing levels: output "total" is demultiplexed by node t3; output "each" is demultiplexed by node t3, then node t2',
    );
    const gathered = build({ ...config, outputs: config.outputs.slice(0, 1) });
    expect(gathered.metadata().outputs).toEqual([{ name: 'total', dtype: 'FP32', shape: [3, 1, 4] }]);
    expect(gathered.node('sum')).toMatchObject({ gathers: ['t2'], levels: ['t3'] });
    expect(gathered.response).toMatchObject({ gathers: ['t3'], levels: [] });
  });

  it('prepends every level the response gathers, outermost first', () => {
    const config = pipeline(
      [
        node('t3', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3 }),
        node('t2', 'tile2', { x: 't3:tiles' }, { tiles: 'tiles' }, { demultiplyCount: 2 }),
        node('inc', 'addOne', { x: 't2:tiles' }, { y: 'y' }),
      ],
      { out: 'inc:y' },
    );
    const definition = build(config);
    expect(definition.metadata().outputs).toEqual([{ name: 'out', dtype: 'FP32', shape: [3, 2, -1, 4] }]);
    expect(definition.response.gathers).toEqual(['t3', 't2']);
  });

  it('takes the shape every node fed by a pipeline input agrees on', () => {
    const config = pipeline(
      [node('a', 'addOne', { x: 'request:x' }, { y: 'y' }), node('s', 'add', { a: 'a:y', b: 'request:x' }, { sum: 'sum' })],
      { out: 's:sum', echo: 'request:x' },
    );
    expect(build(config).metadata()).toEqual({
      inputs: [{ name: 'x', dtype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'out', dtype: 'FP32', shape: [-1, 4] },
        { name: 'echo', dtype: 'FP32', shape: [-1, 4] },
      ],
    });
  });

  it('binds each node to the version it names, or to the default one', () => {
    const config = pipeline(
      [node('old', 'resnet', { '0': 'request:0' }, { '1463': 'a' }, { modelVersion: 1 }), node('new', 'resnet', { '0': 'request:0' }, { '1463': 'b' })],
      { a: 'old:a', b: 'new:b' },
      { inputs: ['0'] },
    );
    const definition = build(config);
    expect(definition.node('old')).toMatchObject({ kind: 'model', model: { name: 'resnet', version: 1 } });
    expect(definition.node('new')).toMatchObject({ kind: 'model', model: { name: 'resnet', version: 2 } });
    expect(definition.nodes.map((n) => n.name)).toEqual(['request', 'old', 'new', 'response']);
  });

  it('orders nodes after their sources, whatever the config order', () => {
    const config = pipeline([node('b', 'addOne', { x: 'a:y' }, { y: 'y' }), node('a', 'addOne', { x: 'request:x' }, { y: 'y' })], {
      out: 'b:y',
    });
    expect(build(config).nodes.map((n) => n.name)).toEqual(['request', 'a', 'b', 'response']);
  });

  it('hands out copies, so a caller cannot change the definition', () => {
    const definition = build(resnet50DAG('resnet'));
    (definition.metadata().inputs[0]?.shape as number[])[0] = 99;
    expect(definition.metadata().inputs[0]?.shape).toEqual([-1, -1, 3, 224, 224]);
  });
});

describe('PipelineDefinition.forModel', () => {
  it('is request → the model → response, with the model metadata as it is', () => {
    const metadata = toyCatalog.metadata('add');
    const definition = PipelineDefinition.forModel('add', 1, metadata);
    expect(definition.endpoint).toBe('model add version 1');
    expect(definition.metadata()).toEqual({ inputs: metadata.inputs, outputs: metadata.outputs });
    expect(definition.node('add')).toMatchObject({
      kind: 'model',
      model: { name: 'add', version: 1 },
      inputs: [
        { name: 'a', source: { nodeName: 'request', dataItem: 'a' } },
        { name: 'b', source: { nodeName: 'request', dataItem: 'b' } },
      ],
      outputs: [{ dataItem: 'sum', alias: 'sum' }],
      levels: [],
      gathers: [],
    });
    expect(definition.response.inputs).toEqual([{ name: 'sum', source: { nodeName: 'add', dataItem: 'sum' } }]);
  });

  it('names the node apart from the request and the response', () => {
    const definition = PipelineDefinition.forModel('request', 1, toyCatalog.metadata('addOne'));
    expect(definition.nodes.map((n) => n.name)).toEqual(['request', 'model request', 'response']);
  });
});

const tile3 = (extra = {}) => node('t', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3, ...extra });
const addOne = (name: string, input: string) => node(name, 'addOne', { x: input }, { y: 'y' });

describe('PipelineDefinition.build rejects', () => {
  const cases: Array<[string, PipelineConfig, string]> = [
    [
      'an unknown model',
      pipeline([node('a', 'nope', { x: 'request:x' }, { y: 'y' })], { out: 'a:y' }),
      'pipeline p: node a: model nope not found',
    ],
    [
      'an unknown model version',
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }, { modelVersion: 7 })], { out: 'a:y' }),
      'pipeline p: node a: model addOne has no version 7; versions served: 1',
    ],
    [
      'a node name used twice',
      pipeline([addOne('a', 'request:x'), addOne('a', 'request:x')], { out: 'a:y' }),
      'pipeline p: node a: more than one node has this name',
    ],
    [
      'a node named like a pseudo-node',
      pipeline([addOne('response', 'request:x')], { out: 'response:y' }),
      'pipeline p: node response: the names "request" and "response" are reserved',
    ],
    [
      'an input from an unknown node',
      pipeline([node('resnetNode', 'resnet', { '0': 'requst:0' }, { '1463': '1463' })], { '1463': 'resnetNode:1463' }, {
        name: 'resnet50DAG',
        inputs: ['0'],
      }),
      'pipeline resnet50DAG: node resnetNode: input "0" comes from unknown node "requst"',
    ],
    [
      'an input from a data item its source does not produce',
      pipeline([addOne('a', 'request:x'), addOne('b', 'a:z')], { out: 'b:y' }),
      'pipeline p: node b: input "x" comes from node a, which has no data item "z" (it has "y")',
    ],
    [
      'an input from a pipeline input that is not declared',
      pipeline([addOne('a', 'request:q')], { out: 'a:y' }),
      'pipeline p: node a: input "x" comes from request, which has no data item "q" (it has "x")',
    ],
    [
      'an input from the response',
      pipeline([addOne('a', 'request:x'), addOne('b', 'response:out')], { out: 'a:y', more: 'b:y' }),
      'pipeline p: node b: input "x" comes from response, which has no data item "out" (it has none)',
    ],
    [
      'a node input the model does not have',
      pipeline([node('a', 'addOne', { x: 'request:x', q: 'request:x' }, { y: 'y' })], { out: 'a:y' }),
      'pipeline p: node a: input "q" is not an input of model addOne (its inputs are "x")',
    ],
    [
      'a model input left unconnected',
      pipeline([node('s', 'add', { a: 'request:x' }, { sum: 'sum' })], { out: 's:sum' }),
      'pipeline p: node s: model add input "b" is not connected',
    ],
    [
      'a node output the model does not have',
      pipeline([node('a', 'addOne', { x: 'request:x' }, { z: 'z' })], { out: 'a:z' }),
      'pipeline p: node a: output "z" is not an output of model addOne (its outputs are "y")',
    ],
    [
      'an alias given to two outputs',
      pipeline([{ ...addOne('a', 'request:x'), outputs: [{ dataItem: 'y', alias: 'z' }, { dataItem: 'y', alias: 'z' }] }], {
        out: 'a:z',
      }),
      'pipeline p: node a: alias "z" names more than one output',
    ],
    [
      'a cycle',
      pipeline([node('a', 'add', { a: 'request:x', b: 'b:y' }, { sum: 'sum' }), addOne('b', 'a:sum')], { out: 'b:y' }),
      'pipeline p: node a: part of a cycle: a → b → a',
    ],
    [
      'a node taking its own output',
      pipeline([node('a', 'add', { a: 'request:x', b: 'a:sum' }, { sum: 'sum' })], { out: 'a:sum' }),
      'pipeline p: node a: part of a cycle: a → a',
    ],
    [
      'a node not connected to the response',
      pipeline([addOne('a', 'request:x'), addOne('unused', 'request:x')], { out: 'a:y' }),
      'pipeline p: node unused: not connected to the response; unused nodes are not allowed',
    ],
    [
      'a response output nobody produces',
      pipeline([addOne('a', 'request:x')], { out: 'z:y' }),
      'pipeline p: response: output "out" comes from unknown node "z"',
    ],
    ['a pipeline without outputs', pipeline([addOne('a', 'request:x')], {}), 'pipeline p: response: the pipeline declares no outputs'],
    [
      'a pipeline input no node takes',
      pipeline([addOne('a', 'request:x')], { out: 'a:y' }, { inputs: ['x', 'extra'] }),
      'pipeline p: request: input "extra" is not taken by any node',
    ],
    [
      'a pipeline input that only passes through',
      pipeline([addOne('a', 'request:x')], { out: 'a:y', echo: 'request:extra' }, { inputs: ['x', 'extra'] }),
      'pipeline p: request: input "extra" only passes through to the response; a node must take it, so that its dtype and shape are known',
    ],
    [
      'a pipeline input whose nodes disagree on its dtype',
      pipeline([addOne('a', 'request:x'), node('e', 'embed', { ids: 'request:x' }, { y: 'y' }), node('s', 'add', { a: 'a:y', b: 'e:y' }, { sum: 'sum' })], {
        out: 's:sum',
      }),
      'pipeline p: request: input "x" is FP32 for node a, but INT64 for node e',
    ],
    [
      'a dynamic demultiplexer beside another',
      pipeline([tile3(), addOne('a', 't:tiles')], { out: 'a:y' }, { demultiplyCount: 'dynamic' }),
      'pipeline p: request: a dynamic demultiplexer (demultiply_count -1) must be the only one in its pipeline, but node t demultiplexes too',
    ],
    [
      'gathering from a node that is not a demultiplexer',
      pipeline([addOne('a', 'request:x'), node('b', 'addOne', { x: 'a:y' }, { y: 'y' }, { gatherFromNode: 'a' })], { out: 'b:y' }),
      'pipeline p: node b: gathers from node a, which is not a demultiplexer',
    ],
    [
      'gathering from an unknown node',
      pipeline([tile3(), node('s', 'sum4', { x: 't:tiles' }, { total: 'total' }, { gatherFromNode: 'q' })], { out: 's:total' }),
      'pipeline p: node s: gather_from_node names unknown node "q"',
    ],
    [
      'gathering from a demultiplexer whose items do not reach the node',
      pipeline(
        [tile3(), addOne('a', 't:tiles'), node('s', 'sum4', { x: 'request:x' }, { total: 'total' }, { gatherFromNode: 't' })],
        { out: 'a:y', total: 's:total' },
      ),
      'pipeline p: node s: gathers from node t, whose items do not reach it (its inputs are not demultiplexed)',
    ],
    [
      'gathering out of LIFO order',
      pipeline(
        [
          node('t3', 'tile3', { x: 'request:x' }, { tiles: 'tiles' }, { demultiplyCount: 3 }),
          node('t2', 'tile2', { x: 't3:tiles' }, { tiles: 'tiles' }, { demultiplyCount: 2 }),
          addOne('a', 't2:tiles'),
          node('s', 'sum4', { x: 'a:y' }, { total: 'total' }, { gatherFromNode: 't3' }),
        ],
        { out: 's:total' },
      ),
      'pipeline p: node s: gathers from node t3 before node t2; demultiplexers are gathered in LIFO order, the innermost first',
    ],
    [
      'inputs from different demultiplexing levels',
      pipeline([tile3(), node('s', 'add', { a: 't:tiles', b: 'request:x' }, { sum: 'sum' })], { out: 's:sum' }),
      'pipeline p: node s: inputs come from different demultiplexing levels: input "a" is demultiplexed by node t; input "b" is not demultiplexed',
    ],
    [
      'a shape mismatch between connected nodes',
      pipeline([addOne('a', 'request:x'), node('w', 'wide', { x: 'a:y' }, { y: 'y' })], { out: 'w:y' }),
      'pipeline p: node w: input "x" takes [-1,5], but node a data item "y" gives [-1,4]',
    ],
    [
      'a shape mismatch with an item of a demultiplexed output',
      pipeline([tile3(), node('w', 'wide', { x: 't:tiles' }, { y: 'y' })], { out: 'w:y' }),
      'pipeline p: node w: input "x" takes [-1,5], but node t data item "tiles" gives items of [-1,4] (split from [3,-1,4])',
    ],
    [
      'a dtype mismatch between connected nodes',
      pipeline([node('a', 'toInt', { x: 'request:x' }, { y: 'y' }), addOne('b', 'a:y')], { out: 'b:y' }),
      'pipeline p: node b: input "x" is FP32, but node a data item "y" is INT64',
    ],
    [
      'a fixed demultiply_count that is not the output first dimension',
      pipeline([tile3({ demultiplyCount: 2 }), addOne('a', 't:tiles')], { out: 'a:y' }),
      'pipeline p: node t: output "tiles" [3,-1,4] has 3 items, but demultiply_count is 2',
    ],
    [
      'a gathering input whose first dimension is not the demultiply_count',
      pipeline([tile3(), addOne('a', 't:tiles'), node('s', 'sumTwo', { x: 'a:y' }, { total: 'total' }, { gatherFromNode: 't' })], {
        out: 's:total',
      }),
      "pipeline p: node s: input \"x\" [2,1,4] has 2 items, but node t's demultiply_count is 3",
    ],
    [
      'demultiplexing an output without room for a batch dimension',
      pipeline([node('a', 'addOne', { x: 'request:x' }, { y: 'y' }, { demultiplyCount: 'dynamic' })], { out: 'a:y' }),
      "pipeline p: node a: output \"y\" [-1,4] has too few dimensions to hold items: it needs 3 at least (items, then each item's batch and data)",
    ],
    [
      'a model input connected twice',
      pipeline([{ ...addOne('a', 'request:x'), inputs: [{ name: 'x', source: { nodeName: 'request', dataItem: 'x' } }, { name: 'x', source: { nodeName: 'request', dataItem: 'x' } }] }], { out: 'a:y' }),
      'pipeline p: node a: input "x" is connected more than once',
    ],
    [
      'a pipeline output declared twice',
      { ...pipeline([addOne('a', 'request:x')], { out: 'a:y' }), outputs: [{ name: 'out', source: { nodeName: 'a', dataItem: 'y' } }, { name: 'out', source: { nodeName: 'a', dataItem: 'y' } }] },
      'pipeline p: response: output "out" is declared more than once',
    ],
    [
      'a pipeline input declared twice',
      pipeline([addOne('a', 'request:x')], { out: 'a:y' }, { inputs: ['x', 'x'] }),
      'pipeline p: request: input "x" is declared more than once',
    ],
  ];

  it.each(cases)('%s', (_, config, message) => {
    expect(() => build(config)).toThrow(expect.objectContaining({ name: 'DemuxError', code: StatusCode.INVALID_ARGUMENT, message }));
  });
});
