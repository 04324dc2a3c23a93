import { Buffer } from 'node:buffer';
import { DemuxError } from '@demux/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRestApp } from './test-door.fixture.js';

let rest: ReturnType<typeof testRestApp>;

beforeEach(() => {
  rest = testRestApp();
});

afterEach(async () => {
  await rest.app.close();
});

const get = (url: string) => rest.app.inject({ method: 'GET', url });
const infer = (path: string, body: unknown) => rest.app.inject({ method: 'POST', url: `/v2/models/${path}/infer`, payload: JSON.stringify(body) });

/** A body of the binary tensor data extension: the JSON header, then the bytes. */
function binaryRequest(path: string, header: unknown, binary: Uint8Array[], headerLength?: string) {
  const json = Buffer.from(JSON.stringify(header));
  return rest.app.inject({
    method: 'POST',
    url: `/v2/models/${path}/infer`,
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength ?? String(json.length) },
    payload: Buffer.concat([json, ...binary]),
  });
}

const ramp = (from: number) => Array.from({ length: 10 }, (_, i) => from + i);
const floatBytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const dummyInput = (data: number[]) => ({ name: 'b', datatype: 'FP32', shape: [data.length / 10, 10], data });

describe('KServe REST health and metadata', () => {
  it('is live, and ready while the scheduler says so', async () => {
    expect([(await get('/v2/health/live')).statusCode, (await get('/v2/health/ready')).statusCode]).toEqual([200, 200]);
  });

  it('answers not ready with 400, as Triton does, saying why; an unreachable scheduler is a reason', async () => {
    rest.scheduler.healthAnswer = { ready: false, unready: ['model dummy version 1: no live worker'] };
    const notReady = await get('/v2/health/ready');
    expect([notReady.statusCode, notReady.json()]).toEqual([400, { error: 'not ready: model dummy version 1: no live worker' }]);
    rest.scheduler.healthAnswer = DemuxError.unavailable('scheduler 127.0.0.1:9100 is unreachable');
    const unreachable = await get('/v2/health/ready');
    expect([unreachable.statusCode, unreachable.json()]).toEqual([400, { error: 'not ready: scheduler 127.0.0.1:9100 is unreachable' }]);
  });

  it('names the server and its binary tensor data extension', async () => {
    expect((await get('/v2')).json()).toEqual({ name: 'demux', version: '0.1.0', extensions: ['binary_tensor_data'] });
  });

  it('describes models and pipelines with KServe datatypes and -1 for dynamic dimensions', async () => {
    expect((await get('/v2/models/pair/versions/1')).json()).toEqual({
      name: 'pair',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [-1, 2] },
        { name: 's', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'y', datatype: 'FP32', shape: [-1, 2] },
        { name: 's_bytes', datatype: 'BYTES', shape: [-1] },
        { name: 'n', datatype: 'INT64', shape: [-1] },
      ],
    });
    expect((await get('/v2/models/dummy')).json()).toMatchObject({ name: 'dummy', platform: 'onnxruntime_onnx' });
    expect((await get('/v2/models/nope')).statusCode).toBe(404);
  });

  it('says a model is ready while its version is AVAILABLE, else 400', async () => {
    const ready = await get('/v2/models/dummy/versions/1/ready');
    expect([ready.statusCode, ready.json()]).toEqual([200, { name: 'dummy', ready: true }]);
    const loading = await get('/v2/models/loading/ready');
    expect([loading.statusCode, loading.json()]).toEqual([400, { error: 'loading version 3 is not ready (LOADING): no live worker serves loading version 3' }]);
    expect((await get('/v2/models/dummy/versions/2/ready')).statusCode).toBe(404);
  });
});

describe('KServe REST infer with JSON data', () => {
  it('answers every output as JSON data, with the served version as a string and the id echoed', async () => {
    const response = await infer('dummy', { id: 'req-1', inputs: [dummyInput([...ramp(0), ...ramp(10)])] });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual({
      model_name: 'dummy',
      model_version: '1',
      id: 'req-1',
      outputs: [{ name: 'a', datatype: 'FP32', shape: [2, 10], data: [...ramp(1), ...ramp(11)] }],
    });
  });

  it('takes nested data and answers the requested outputs only, in the order asked', async () => {
    const response = await infer('pair/versions/1', {
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 2], data: [[1, 2], [3, 4]] },
        { name: 's', datatype: 'BYTES', shape: [2], data: ['a', 'bcd'] },
      ],
      outputs: [{ name: 'n' }, { name: 's_bytes' }],
    });
    expect(response.json()).toEqual({
      model_name: 'pair',
      model_version: '1',
      outputs: [
        { name: 'n', datatype: 'INT64', shape: [2], data: [1, 3] },
        { name: 's_bytes', datatype: 'BYTES', shape: [2], data: ['a', 'bcd'] },
      ],
    });
    expect(rest.scheduler.calls[0]?.outputs).toEqual(['n', 's_bytes']);
  });

  it.each([
    ['an unknown datatype', { inputs: [{ ...dummyInput(ramp(0)), datatype: 'BF16' }] }, `input "b": unsupported datatype 'BF16'`],
    ['a negative dimension', { inputs: [{ ...dummyInput(ramp(0)), shape: [-1, 10] }] }, 'input "b": "shape" must be a list of non-negative integers, got [-1,10]'],
    ['data that does not fill the shape', { inputs: [{ ...dummyInput(ramp(0)), shape: [2, 10] }] }, 'input "b": "data" holds 10 values, expected 20 for shape [2,10]'],
    ['a shape the model does not take', { inputs: [{ ...dummyInput(ramp(0)), shape: [10, 1] }] }, 'dimension 1 must be 10'],
    ['no inputs', { outputs: [] }, '"inputs" must be a list, got undefined'],
    ['an unknown output', { inputs: [dummyInput(ramp(0))], outputs: [{ name: 'z' }] }, 'model dummy version 1: no output "z"; outputs are "a"'],
    ['an output asked twice', { inputs: [dummyInput(ramp(0))], outputs: [{ name: 'a' }, { name: 'a' }] }, 'output "a" is requested twice'],
    ['classification', { inputs: [dummyInput(ramp(0))], outputs: [{ name: 'a', parameters: { classification: 2 } }] }, 'output "a": the classification extension is not supported'],
    ['an id that is no string', { id: 7, inputs: [dummyInput(ramp(0))] }, '"id" must be a string, got 7'],
  ])('answers %s with 400 and an error body', async (_case, body, message) => {
    const response = await infer('dummy', body);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toContain(message);
  });
});

describe('KServe REST infer with the binary tensor data extension', () => {
  it('reads binary inputs after the JSON header and answers binary outputs after its own', async () => {
    const header = { inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }], outputs: [{ name: 'a', parameters: { binary_data: true } }] };
    const response = await binaryRequest('dummy', header, [floatBytes(ramp(0))]);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    const headerLength = Number(response.headers['inference-header-content-length']);
    const body = response.rawPayload;
    expect(JSON.parse(body.subarray(0, headerLength).toString())).toEqual({
      model_name: 'dummy',
      model_version: '1',
      outputs: [{ name: 'a', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }],
    });
    expect(body.subarray(headerLength)).toEqual(Buffer.from(floatBytes(ramp(1))));
  });

  it('answers every output in binary when binary_data_output asks, unless an output says otherwise', async () => {
    const response = await infer('pair', {
      parameters: { binary_data_output: true },
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] },
        { name: 's', datatype: 'BYTES', shape: [1], data: ['hi'] },
      ],
      outputs: [{ name: 'y' }, { name: 'n', parameters: { binary_data: false } }, { name: 's_bytes' }],
    });
    const headerLength = Number(response.headers['inference-header-content-length']);
    const json = JSON.parse(response.rawPayload.subarray(0, headerLength).toString());
    expect(json.outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } },
      { name: 'n', datatype: 'INT64', shape: [1], data: [2] },
      { name: 's_bytes', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: 6 } },
    ]);
    expect([...response.rawPayload.subarray(headerLength)]).toEqual([...floatBytes([2, 4]), 2, 0, 0, 0, 104, 105]);
  });

  it.each([
    ['a header length beyond the body', [floatBytes(ramp(0))], '100000', 'Inference-Header-Content-Length is 100000, longer than the'],
    ['a header length that is no number', [floatBytes(ramp(0))], 'forty', 'Inference-Header-Content-Length must be a byte count, got "forty"'],
    ['fewer bytes than binary_data_size', [floatBytes(ramp(0)).subarray(0, 36)], undefined, 'input "b": binary_data_size is 40, but only 36 bytes of binary data remain in the body'],
    ['more bytes than binary_data_size', [floatBytes(ramp(0)), new Uint8Array(4)], undefined, "4 bytes of binary data follow the inputs' binary_data_size"],
  ])('answers %s with 400 and an error body', async (_case, binary, headerLength, message) => {
    const header = { inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }] };
    const response = await binaryRequest('dummy', header, binary, headerLength);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toContain(message);
  });

  it('refuses a binary_data_size that does not fit the shape, and data alongside binary data', async () => {
    const wrongSize = await binaryRequest('dummy', { inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 36 } }] }, [new Uint8Array(36)]);
    expect(wrongSize.json()).toEqual({ error: 'input "b": binary_data_size is 36, but FP32 of shape [1,10] takes 40 bytes' });
    const both = await binaryRequest('dummy', { inputs: [{ ...dummyInput(ramp(0)), parameters: { binary_data_size: 40 } }] }, [floatBytes(ramp(0))]);
    expect(both.json()).toEqual({ error: 'input "b": has both "data" and binary_data_size; send one' });
  });

  it('checks BYTES binary data element by element', async () => {
    const header = {
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] },
        { name: 's', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: 6 } },
      ],
    };
    const truncated = await binaryRequest('pair', header, [Uint8Array.of(9, 0, 0, 0, 104, 105)]);
    expect(truncated.json()).toEqual({ error: 'input "s" binary data: BYTES element 0 declares 9 bytes, only 2 remain' });
    const good = await binaryRequest('pair', header, [Uint8Array.of(2, 0, 0, 0, 104, 105)]);
    expect(good.json().outputs[1]).toEqual({ name: 's_bytes', datatype: 'BYTES', shape: [1], data: ['hi'] });
  });
});
