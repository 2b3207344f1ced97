import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  oipInferenceResponseSchema,
  oipModelMetadataSchema,
  oipServerMetadataSchema,
} from '../../contract/inference/open-inference.js';
import { predictResponseSchema } from '../../contract/inference/predict.js';
import { singleVersion } from '../engine/traffic-policy.js';
import { type ServingFixture, servingFixture, type TestServer, testServer } from '../testing/serving-fixture.js';
import { WINE_FEATURES, wineRow } from '../testing/wine-model.js';

let fixture: ServingFixture;
let server: TestServer;

beforeAll(async () => {
  fixture = await servingFixture();
  server = await testServer([await fixture.load(fixture.folders[0], '1')], singleVersion('1'));
});

afterAll(async () => {
  await server.app.close();
  await fixture.cleanup();
});

const post = (url: string, payload: unknown, contentType = 'application/json') =>
  server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const record = (row: readonly number[]) => Object.fromEntries(WINE_FEATURES.map((name, i) => [name, row[i]]));

describe('MLflow scoring server endpoints', () => {
  it('answers /ping and /health with 200 and a newline, /version with the version', async () => {
    for (const url of ['/ping', '/health']) {
      const reply = await server.app.inject({ url });
      expect(reply.statusCode).toBe(200);
      expect(reply.body).toBe('\n');
    }
    const version = await server.app.inject({ url: '/version' });
    expect(version.body).toBe('9.9.9');
  });

  it('scores the four JSON formats and CSV alike, one record per row, naming the version', async () => {
    const rows = [wineRow(0), wineRow(7)];
    const bodies = [
      post('/invocations', { dataframe_split: { columns: [...WINE_FEATURES], data: rows } }),
      post('/invocations', { dataframe_records: rows.map(record) }),
      post('/invocations', { instances: rows.map(record) }),
      post('/invocations', `${WINE_FEATURES.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`, 'text/csv'),
      post(
        '/invocations',
        `${WINE_FEATURES.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`,
        'text/csv; charset=utf-8',
      ),
    ];
    const replies = await Promise.all(bodies);
    const first = replies[0]?.json() as { predictions: { label: number; probabilities: number[] }[] };
    expect(first.predictions).toHaveLength(2);
    expect(first.predictions[0]?.probabilities).toHaveLength(6);
    for (const reply of replies) {
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['x-model-version']).toBe('1');
      expect(reply.json()).toEqual(first);
    }
  });

  it('answers `inputs` (a list, or columns by name) with tensors, as MLflow does for numpy input', async () => {
    const rows = [wineRow(0), wineRow(7)];
    const columns = Object.fromEntries(WINE_FEATURES.map((n, i) => [n, rows.map((r) => r[i])]));
    const [list, named] = await Promise.all([
      post('/invocations', { inputs: rows }),
      post('/invocations', { inputs: columns }),
    ]);
    expect(list?.statusCode).toBe(200);
    const body = list?.json() as { predictions: { label: number[]; probabilities: number[][] } };
    expect(body.predictions.label).toHaveLength(2);
    expect(body.predictions.probabilities[1]).toHaveLength(6);
    expect(named?.json()).toEqual(body);
  });

  it('refuses content types with 415 text/plain as MLflow does', async () => {
    const cases: [string, string][] = [
      ['application/json; charset=latin-1', 'The scoring server only supports UTF-8'],
      ['application/json; format=pandas-split', 'Unrecognized content type parameters: format. IMPORTANT'],
      [
        'text/plain',
        "This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'text/plain'.",
      ],
      ['application/x-www-form-urlencoded', 'Got '],
    ];
    for (const [type, message] of cases) {
      const reply = await post('/invocations', '{}', type);
      expect(reply.statusCode).toBe(415);
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
      expect(reply.body).toContain(message);
    }
  });

  it('never echoes markup from a refused Content-Type', async () => {
    const reply = await post('/invocations', '{}', 'text/<script>alert(1)</script>');
    expect(reply.statusCode).toBe(415);
    expect(reply.body).not.toContain('<script>');
  });

  it('answers malformed requests with 400 BAD_REQUEST envelopes', async () => {
    const cases: unknown[] = [
      [1, 2],
      {},
      { inputs: [wineRow(0)], instances: [wineRow(0)] },
      { dataframe_split: { data: [wineRow(0)], extra: 1 } },
      { signature_name: 'x', inputs: [] },
    ];
    for (const body of cases) {
      const reply = await post('/invocations', body);
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
    }
    const invalidJson = await post('/invocations', '{"inputs": [');
    expect(invalidJson.statusCode).toBe(400);
  });
});

describe('signature validation', () => {
  const split = (columns: string[], data: unknown[][]) => post('/invocations', { dataframe_split: { columns, data } });
  const messageOf = async (reply: Promise<{ statusCode: number; json: () => unknown }>) => {
    const answer = await reply;
    expect(answer.statusCode).toBe(400);
    return (answer.json() as { message: string }).message;
  };

  it('names a missing column', async () => {
    const message = await messageOf(split(WINE_FEATURES.slice(1), [wineRow(0).slice(1)]));
    expect(message).toContain('"fixed acidity"');
  });

  it('names an extra column', async () => {
    const message = await messageOf(split([...WINE_FEATURES, 'colour'], [[...wineRow(0), 1]]));
    expect(message).toContain('"colour"');
  });

  it('names the column and row of a value of the wrong type, escaped', async () => {
    const row = [...wineRow(0)] as unknown[];
    row[10] = '<b>x</b>';
    const message = await messageOf(split([...WINE_FEATURES], [wineRow(0), row]));
    expect(message).toContain('"alcohol"');
    expect(message).toContain('row 1');
    expect(message).not.toContain('<b>');
  });

  it('refuses a missing value where the signature requires one', async () => {
    const row = [...wineRow(0)] as unknown[];
    row[3] = null;
    const message = await messageOf(split([...WINE_FEATURES], [row]));
    expect(message).toContain('"residual sugar"');
    expect(message).toContain('row 0');
  });

  it('refuses rows of the wrong width on /predict', async () => {
    const message = await messageOf(post('/predict', { inputs: [wineRow(0).slice(0, 5)] }));
    expect(message).toContain('11');
  });

  it('refuses a CSV cell that is not a number, naming column and row', async () => {
    const csv = `${WINE_FEATURES.join(',')}\n${wineRow(0).join(',')}\n${wineRow(1).slice(0, 10).join(',')},strong\n`;
    const message = await messageOf(post('/invocations', csv, 'text/csv'));
    expect(message).toContain('"alcohol"');
    expect(message).toContain('row 1');
  });
});

describe('/predict and /feedback', () => {
  it('answers one prediction per row for lists and records', async () => {
    const lists = await post('/predict', { inputs: [wineRow(0), wineRow(1), wineRow(2)] });
    const records = await post('/predict', { inputs: [wineRow(0), wineRow(1), wineRow(2)].map(record) });
    expect(lists.statusCode).toBe(200);
    const body = predictResponseSchema.parse(lists.json());
    expect(body.predictions).toHaveLength(3);
    expect(records.json()).toEqual(lists.json());
    expect(lists.headers['x-model-name']).toBe('wine');
    expect(lists.headers['x-request-id']).toBeTruthy();
  });

  it('refuses bodies that are not {inputs: [rows]} and non-JSON bodies', async () => {
    expect((await post('/predict', { rows: [wineRow(0)] })).statusCode).toBe(400);
    expect((await post('/predict', { inputs: [] })).statusCode).toBe(400);
    expect((await post('/predict', 'inputs=1', 'text/plain')).statusCode).toBe(415);
    expect((await post('/predict', 'a,b\n1,2', 'text/csv')).statusCode).toBe(415);
  });

  it('records feedback for a request id and refuses unsafe ids', async () => {
    const ok = await post('/feedback', { request_id: 'req-1', label: 6 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ request_id: 'req-1', recorded: true });
    expect((await post('/feedback', { request_id: '<x>', label: 6 })).statusCode).toBe(400);
    expect((await post('/feedback', { label: 6 })).statusCode).toBe(400);
  });
});

describe('Open Inference Protocol v2', () => {
  it('answers server metadata, liveness and readiness', async () => {
    const meta = await server.app.inject({ url: '/v2' });
    expect(oipServerMetadataSchema.parse(meta.json())).toMatchObject({ name: 'slipway', version: '9.9.9' });
    expect((await server.app.inject({ url: '/v2/health/live' })).json()).toEqual({ live: true });
    expect((await server.app.inject({ url: '/v2/health/ready' })).json()).toEqual({ ready: true });
  });

  it('describes the model and its versions', async () => {
    for (const url of ['/v2/models/wine', '/v2/models/wine/versions/1']) {
      const reply = await server.app.inject({ url });
      expect(reply.statusCode).toBe(200);
      const meta = oipModelMetadataSchema.parse(reply.json());
      expect(meta).toMatchObject({ name: 'wine', platform: 'onnx_onnxv1', versions: ['1'] });
      expect(meta.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 11] }]);
      expect(meta.outputs.map((o) => o.name).sort()).toEqual(['label', 'probabilities']);
    }
    expect((await server.app.inject({ url: '/v2/models/wine/ready' })).json()).toEqual({ name: 'wine', ready: true });
    const missing = await server.app.inject({ url: '/v2/models/wine/versions/7/ready' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ name: 'wine', ready: false });
    const unknown = await server.app.inject({ url: '/v2/models/beer' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: expect.stringContaining('beer') });
  });

  it('infers with flat or nested data, echoing the id, and filters outputs', async () => {
    const flat = {
      id: 'r1',
      inputs: [{ name: 'input', shape: [2, 11], datatype: 'FP32', data: [...wineRow(0), ...wineRow(1)] }],
    };
    const nested = { inputs: [{ name: 'input', shape: [2, 11], datatype: 'FP32', data: [wineRow(0), wineRow(1)] }] };
    const a = await post('/v2/models/wine/infer', flat);
    const b = await post('/v2/models/wine/versions/1/infer', { ...nested, outputs: [{ name: 'label' }] });
    expect(a.statusCode).toBe(200);
    const answer = oipInferenceResponseSchema.parse(a.json());
    expect(answer).toMatchObject({ model_name: 'wine', model_version: '1', id: 'r1' });
    const probabilities = answer.outputs.find((o) => o.name === 'probabilities');
    expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [2, 6] });
    expect(probabilities?.data).toHaveLength(12);
    const label = oipInferenceResponseSchema.parse(b.json()).outputs;
    expect(label).toEqual([answer.outputs.find((o) => o.name === 'label')]);
    expect(label[0]).toMatchObject({ datatype: 'INT64', shape: [2] });
  });

  it('answers bad inference requests with 400 and {error}', async () => {
    const input = (over: Record<string, unknown>) => ({
      inputs: [{ name: 'input', shape: [1, 11], datatype: 'FP32', data: wineRow(0), ...over }],
    });
    const cases = [
      input({ datatype: 'FP64' }),
      input({ shape: [1, 10] }),
      input({ shape: [2, 11] }),
      input({ name: 'x' }),
      input({ data: [...wineRow(0).slice(0, 10), 'a'] }),
      { ...input({}), outputs: [{ name: 'nope' }] },
      { inputs: [] },
    ];
    for (const body of cases) {
      const reply = await post('/v2/models/wine/infer', body);
      expect(reply.statusCode).toBe(400);
      expect(Object.keys(reply.json() as object)).toEqual(['error']);
    }
    const version = await post('/v2/models/wine/versions/9/infer', input({}));
    expect(version.statusCode).toBe(404);
  });
});

describe('OIP binary tensor extension', () => {
  const binaryRequest = (header: unknown, tensors: Buffer[], length?: string) => {
    const json = Buffer.from(JSON.stringify(header));
    return server.app.inject({
      method: 'POST',
      url: '/v2/models/wine/infer',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': length ?? String(json.length),
      },
      payload: Buffer.concat([json, ...tensors]),
    });
  };
  const rows = [wineRow(0), wineRow(1)];
  const bytes = Buffer.from(new Float32Array(rows.flat()).buffer);
  const binaryInput = {
    name: 'input',
    shape: [2, 11],
    datatype: 'FP32',
    parameters: { binary_data_size: bytes.length },
  };

  it('is advertised, and takes binary inputs and answers binary outputs as JSON answers them', async () => {
    expect((await server.app.inject({ url: '/v2' })).json()).toMatchObject({ extensions: ['binary_tensor_data'] });
    const json = oipInferenceResponseSchema.parse(
      (
        await post('/v2/models/wine/infer', {
          inputs: [{ name: 'input', shape: [2, 11], datatype: 'FP32', data: rows }],
        })
      ).json(),
    );
    const reply = await binaryRequest(
      {
        inputs: [binaryInput],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }, { name: 'label' }],
      },
      [bytes],
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    const headerLength = Number(reply.headers['inference-header-content-length']);
    const raw = reply.rawPayload;
    const header = oipInferenceResponseSchema.parse(JSON.parse(raw.subarray(0, headerLength).toString()));
    const [probabilities, label] = header.outputs;
    expect(probabilities).toMatchObject({ name: 'probabilities', shape: [2, 6], parameters: { binary_data_size: 48 } });
    expect(probabilities?.data).toBeUndefined();
    const decoded = Array.from(new Float32Array(new Uint8Array(raw.subarray(headerLength)).buffer));
    expect(decoded).toEqual(json.outputs.find((o) => o.name === 'probabilities')?.data);
    expect(label).toEqual(json.outputs.find((o) => o.name === 'label'));
  });

  it('refuses binary parts that do not add up, with 400', async () => {
    const cases = [
      binaryRequest({ inputs: [binaryInput] }, [bytes.subarray(0, 40)]),
      binaryRequest({ inputs: [binaryInput] }, [bytes, Buffer.from([1])]),
      binaryRequest({ inputs: [{ ...binaryInput, parameters: { binary_data_size: 40 } }] }, [bytes.subarray(0, 40)]),
      binaryRequest({ inputs: [binaryInput] }, [bytes], '9999'),
      binaryRequest({ inputs: [{ ...binaryInput, data: rows }] }, [bytes]),
    ];
    for (const reply of await Promise.all(cases)) {
      expect(reply.statusCode).toBe(400);
      expect(Object.keys(reply.json() as object)).toEqual(['error']);
    }
  });
});

describe('HTTP guards', () => {
  it('refuses foreign Host headers, cross-site POSTs and oversized bodies', async () => {
    const host = await server.app.inject({ url: '/ping', headers: { host: 'evil.example' } });
    expect(host.statusCode).toBe(403);
    const crossSite = await server.app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      payload: JSON.stringify({ inputs: [wineRow(0)] }),
    });
    expect(crossSite.statusCode).toBe(403);
    const big = await post('/predict', { inputs: Array.from({ length: 20_000 }, (_, i) => wineRow(i)) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers unknown endpoints with 404 envelopes that do not echo markup', async () => {
    const reply = await server.app.inject({ url: '/<script>' });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).not.toContain('<script>');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });
});
