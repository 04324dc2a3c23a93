import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRestApp } from './test-door.fixture.js';

let rest: ReturnType<typeof testRestApp>;

beforeEach(() => {
  rest = testRestApp();
});

afterEach(async () => {
  await rest.app.close();
});

const predict = (path: string, body: unknown) =>
  rest.app.inject({ method: 'POST', url: `/v1/models/${path}:predict`, payload: typeof body === 'string' ? body : JSON.stringify(body) });

const ramp = (from: number) => Array.from({ length: 10 }, (_, i) => from + i);

describe('TFS REST model status', () => {
  it('answers GetModelStatusResponse as TFS writes it, for every version or the one named', async () => {
    const all = await rest.app.inject({ method: 'GET', url: '/v1/models/dummy' });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
    const loading = await rest.app.inject({ method: 'GET', url: '/v1/models/loading/versions/3' });
    expect(loading.json()).toEqual({
      model_version_status: [{ version: '3', state: 'LOADING', status: { error_code: 'UNAVAILABLE', error_message: 'no live worker serves loading version 3' } }],
    });
  });

  it('answers an unknown model 404 and a malformed version 400, with {"error"}', async () => {
    const unknown = await rest.app.inject({ method: 'GET', url: '/v1/models/nope' });
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { error: 'no model or pipeline nope' }]);
    const badVersion = await rest.app.inject({ method: 'GET', url: '/v1/models/dummy/versions/one' });
    expect([badVersion.statusCode, badVersion.json()]).toEqual([400, { error: 'model dummy: version must be a non-negative integer, got "one"' }]);
  });
});

describe('TFS REST model metadata', () => {
  it("answers the serving_default SignatureDef with TFS's field names, dtype names and int64 sizes as strings", async () => {
    const response = await rest.app.inject({ method: 'GET', url: '/v1/models/dummy/versions/1/metadata' });
    const dim = (size: number) => ({ size: String(size), name: '' });
    expect(response.json()).toEqual({
      model_spec: { name: 'dummy', signature_name: 'serving_default', version: '1' },
      metadata: {
        signature_def: {
          signature_def: {
            serving_default: {
              inputs: { b: { name: 'b', dtype: 'DT_FLOAT', tensor_shape: { dim: [dim(-1), dim(10)], unknown_rank: false } } },
              outputs: { a: { name: 'a', dtype: 'DT_FLOAT', tensor_shape: { dim: [dim(-1), dim(10)], unknown_rank: false } } },
              method_name: 'tensorflow/serving/predict',
            },
          },
        },
      },
    });
  });
});

describe('TFS REST predict', () => {
  it('answers instances with predictions, one per row', async () => {
    const response = await predict('dummy', { instances: [ramp(0), ramp(10)] });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual({ predictions: [ramp(1), ramp(11)] });
    expect(response.body).toContain('[1.0,2.0,');
  });

  it('answers inputs with outputs, in columnar format, on the version named', async () => {
    const response = await predict('dummy/versions/1', { signature_name: 'serving_default', inputs: [ramp(0)] });
    expect(response.json()).toEqual({ outputs: [ramp(1)] });
  });

  it('reads named instances and answers named predictions, "_bytes" outputs as base64', async () => {
    const response = await predict('pair', {
      instances: [
        { x: [1, 2], s: 'ab' },
        { x: [3, 4], s: { b64: 'AAEC' } },
      ],
    });
    expect(response.json()).toEqual({
      predictions: [
        { y: [2, 4], s_bytes: { b64: 'YWI=' }, n: 2 },
        { y: [6, 8], s_bytes: { b64: 'AAEC' }, n: 3 },
      ],
    });
  });

  it('reads named columns and answers an object of outputs', async () => {
    const response = await predict('pair', { inputs: { x: [[1, 2]], s: ['abc'] } });
    expect(response.json()).toEqual({ outputs: { y: [[2, 4]], s_bytes: [{ b64: 'YWJj' }], n: [3] } });
  });

  it('accepts a body whatever its content type says, as TFS does (curl -d says form-urlencoded)', async () => {
    const response = await rest.app.inject({
      method: 'POST',
      url: '/v1/models/dummy:predict',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: JSON.stringify({ instances: [ramp(0)] }),
    });
    expect(response.json()).toEqual({ predictions: [ramp(1)] });
  });

  it.each([
    ['invalid JSON', 'dummy', '{"instances": [1, 2', 'the request body is not valid JSON'],
    ['no JSON object', 'dummy', '[1, 2]', 'the request body must be a JSON object, got [1,2]'],
    ['both formats', 'dummy', { instances: [ramp(0)], inputs: [ramp(0)] }, 'a predict body holds either "instances" (row format) or "inputs" (columnar format), not both'],
    ['neither format', 'dummy', {}, 'a predict body holds either "instances" (row format) or "inputs" (columnar format)'],
    ['ragged lists', 'dummy', { instances: [ramp(0), [1, 2]] }, 'input "b": ragged lists: item [1] has 2 items, where the first has 10'],
    ['a wrong shape', 'dummy', { instances: [[1, 2, 3]] }, 'dimension 1 must be 10'],
    ['a value of the wrong type', 'dummy', { inputs: [['x', ...ramp(1).slice(1)]] }, 'input "b": element 0 is "x", expected a number for FP32'],
    ['another signature', 'dummy', { signature_name: 'classify', instances: [ramp(0)] }, 'signature_name "classify" not found; model dummy version 1 serves "serving_default"'],
    ['unnamed instances for several inputs', 'pair', { instances: [[1, 2]] }, 'pipeline pair has inputs "x", "s": "instances" must name them in every instance'],
    ['an instance missing an input', 'pair', { instances: [{ x: [1, 2], s: 'a' }, { x: [1, 2] }] }, 'instance 1 must be an object naming exactly the inputs of pipeline pair: "x", "s"'],
    ['an unknown input', 'pair', { inputs: { x: [[1, 2]], s: ['a'], t: [1] } }, 'pipeline pair: unexpected input "t"; inputs are "x", "s"'],
  ])('answers %s with 400 and an error body', async (_case, model, body, message) => {
    const response = await predict(model, body);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: string }>().error).toContain(message);
    expect(rest.scheduler.calls).toEqual([]);
  });

  it('answers an unknown model 404 and an empty body 400', async () => {
    expect((await predict('nope', { instances: [1] })).statusCode).toBe(404);
    const empty = await rest.app.inject({ method: 'POST', url: '/v1/models/dummy:predict' });
    expect([empty.statusCode, empty.json()]).toEqual([400, { error: 'the request body is empty; expected a JSON object' }]);
  });

  it('forwards with the gateway deadline and a fresh request id, and meters the call under OVMS labels', async () => {
    const before = Date.now();
    await predict('dummy/versions/1', { instances: [ramp(0)] });
    await predict('dummy', 'not json');
    const [call] = rest.scheduler.calls;
    expect(call?.deadlineMs).toBeGreaterThanOrEqual(before + 5_000);
    expect(call?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rest.metrics.records).toEqual([
      { labels: { api: 'TensorFlowServing', interface: 'REST', method: 'Predict', name: 'dummy', version: 1 }, failed: false },
      { labels: { api: 'TensorFlowServing', interface: 'REST', method: 'Predict', name: 'dummy', version: undefined }, failed: true },
    ]);
  });
});
