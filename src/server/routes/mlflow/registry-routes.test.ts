import { afterEach, expect, it } from 'vitest';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { openRegistryApp, type RegistryApp } from './testing/registry-app.js';

const MLMODEL = 'artifact_path: model\nflavors:\n  onnx: {data: model.onnx}\n';

forEachDialect('MLflow registry routes', (dialect) => {
  const apps: RegistryApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const open = async () => {
    const app = await openRegistryApp(await dialect.open());
    apps.push(app);
    return app;
  };

  it("follows mlflow.pyfunc.load_model('models:/wine@champion')'s download path to exactly the pinned bytes", async () => {
    const api = await open();
    const runId = await api.logModel({ MLmodel: MLMODEL, 'model.onnx': 'weights-v1', 'sub/conda.yaml': 'deps' });
    const created = await api.call('POST', '/registered-models/create', {
      name: 'wine',
      description: '# Wine\n*card*',
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ registered_model: { name: 'wine', description: '# Wine\n*card*' } });
    const version = await api.call('POST', '/model-versions/create', {
      name: 'wine',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.statusCode).toBe(200);
    expect(version.json().model_version).toMatchObject({
      name: 'wine',
      version: '1',
      current_stage: 'None',
      status: 'READY',
      run_id: runId,
      source: `runs:/${runId}/model`,
      tags: [
        { key: 'slipway.semver', value: '1.0.0' },
        { key: 'slipway.digest', value: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      ],
    });
    expect(
      (await api.call('POST', '/registered-models/alias', { name: 'wine', alias: 'champion', version: '1' }))
        .statusCode,
    ).toBe(200);
    // The run's model changes after registration: the version must not.
    const run = (await api.call('GET', '/runs/get', { run_id: runId }))
      .json()
      .run.info.artifact_uri.replace('mlflow-artifacts:/', '');
    await api.raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${run}/model/model.onnx`, 'weights-TAMPERED');

    const byAlias = await api.call('GET', '/registered-models/alias', { name: 'wine', alias: 'champion' });
    expect(byAlias.json().model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const uri = (await api.call('GET', '/model-versions/get-download-uri', { name: 'wine', version: '1' })).json();
    expect(uri.artifact_uri).toMatch(/^mlflow-artifacts:\/_slipway\/trees\/[0-9a-f]{64}$/);
    const folder = uri.artifact_uri.replace('mlflow-artifacts:/', '');
    const listing = await api.raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${folder}`);
    expect(listing.json()).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: MLMODEL.length },
        { path: 'model.onnx', is_dir: false, file_size: 10 },
        { path: 'sub', is_dir: true },
      ],
    });
    const file = await api.raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${folder}/model.onnx`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('weights-v1');
    const nested = await api.raw('GET', `/ajax-api/2.0/mlflow-artifacts/artifacts/${folder}/sub/conda.yaml`);
    expect(nested.body).toBe('deps');
    expect((await api.raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${folder}/nope`)).statusCode).toBe(404);
  });

  it('keeps pinned folders read-only through the artifact proxy', async () => {
    const api = await open();
    const runId = await api.logModel({ 'model.onnx': 'w' });
    await api.call('POST', '/registered-models/create', { name: 'wine' });
    await api.call('POST', '/model-versions/create', { name: 'wine', source: `runs:/${runId}/model` });
    const folder = (await api.call('GET', '/model-versions/get-download-uri', { name: 'wine', version: '1' }))
      .json()
      .artifact_uri.replace('mlflow-artifacts:/', '');
    const put = await api.raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${folder}/model.onnx`, 'evil');
    expect(put.statusCode).toBe(403);
    expect((await api.raw('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${folder}`)).statusCode).toBe(403);
    const encoded = folder.replace('_slipway', '%5Fslipway');
    const sneaky = await api.raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${encoded}/model.onnx`, 'evil');
    expect(sneaky.statusCode, sneaky.body).toBeGreaterThanOrEqual(400);
    expect((await api.raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${folder}/model.onnx`)).body).toBe('w');
  });

  it('answers MLflow error codes and statuses for bad input, leaving the store unchanged', async () => {
    const api = await open();
    const expectError = async (
      answer: Promise<{ statusCode: number; json(): unknown }>,
      status: number,
      code: string,
    ) => {
      const response = await answer;
      expect(response.json(), JSON.stringify(response.json())).toMatchObject({ error_code: code });
      expect(response.statusCode).toBe(status);
    };
    await expectError(api.call('GET', '/registered-models/get', { name: 'missing' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await api.call('POST', '/registered-models/create', { name: 'café' });
    await expectError(api.call('POST', '/registered-models/create', { name: 'café' }), 400, 'RESOURCE_ALREADY_EXISTS');
    await expectError(
      api.call('POST', '/registered-models/create', { name: 'caf%C3%A9' }),
      400,
      'RESOURCE_ALREADY_EXISTS',
    );
    await expectError(
      api.call('POST', '/registered-models/create', { name: 'cafe\u0301' }),
      400,
      'RESOURCE_ALREADY_EXISTS',
    );
    await expectError(
      api.call('POST', '/registered-models/create', { name: 'x'.repeat(257) }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    await expectError(api.call('POST', '/registered-models/create', { name: 'a/b' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(api.call('POST', '/registered-models/create', { name: 'a%2Fb' }), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(api.call('POST', '/registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE');
    await expectError(
      api.call('POST', '/model-versions/create', { name: 'café', source: 'file:///etc' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    await expectError(
      api.call('GET', '/model-versions/get', { name: 'café', version: '1' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await expectError(
      api.call('GET', '/model-versions/get', { name: 'café', version: 'one' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    await expectError(
      api.call('GET', '/registered-models/alias', { name: 'café', alias: 'prod' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    await expectError(
      api.call('POST', '/registered-models/alias', { name: 'café', alias: 'prod', version: '1' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await expectError(
      api.call('POST', '/registered-models/alias', { name: 'café', alias: 'latest', version: '1' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    const search = await api.call('GET', '/registered-models/search', {});
    expect(search.json().registered_models.map((m: { name: string }) => m.name)).toEqual(['café']);
  });

  it('refuses an alias on a version of another model and on a deleted version', async () => {
    const api = await open();
    const runId = await api.logModel({ 'model.onnx': 'w' });
    for (const name of ['a', 'b']) await api.call('POST', '/registered-models/create', { name });
    await api.call('POST', '/model-versions/create', { name: 'a', source: `runs:/${runId}/model` });
    await api.call('POST', '/model-versions/create', { name: 'a', source: `runs:/${runId}/model` });
    const other = await api.call('POST', '/registered-models/alias', { name: 'b', alias: 'prod', version: '1' });
    expect(other.statusCode).toBe(404);
    await api.call('POST', '/registered-models/alias', { name: 'a', alias: 'prod', version: '2' });
    expect((await api.call('DELETE', '/model-versions/delete', { name: 'a', version: '2' })).statusCode).toBe(200);
    expect((await api.call('GET', '/model-versions/get', { name: 'a', version: '2' })).statusCode).toBe(404);
    expect((await api.call('GET', '/registered-models/alias', { name: 'a', alias: 'prod' })).statusCode).toBe(400);
    const again = await api.call('POST', '/registered-models/alias', { name: 'a', alias: 'prod', version: '2' });
    expect(again.statusCode).toBe(404);
    const next = await api.call('POST', '/model-versions/create', { name: 'a', source: `runs:/${runId}/model` });
    expect(next.json().model_version.version).toBe('3');
  });

  it('searches with filters, orders and pages with signed tokens', async () => {
    const api = await open();
    const runId = await api.logModel({ 'model.onnx': 'w' });
    for (const name of ['wine-red', 'wine-white', 'beer', 'Wine-rosé']) {
      await api.call('POST', '/registered-models/create', {
        name,
        tags: [{ key: 'team', value: name.startsWith('b') ? 'b' : 'w' }],
      });
      await api.call('POST', '/model-versions/create', {
        name,
        source: `runs:/${runId}/model`,
        tags: [{ key: 'k', value: name }],
      });
    }
    const names = (answer: { json(): { registered_models?: { name: string }[] } }) =>
      (answer.json().registered_models ?? []).map((m) => m.name);
    expect(names(await api.call('GET', '/registered-models/search', { filter: "name LIKE 'wine%'" }))).toEqual([
      'wine-red',
      'wine-white',
    ]);
    expect(names(await api.call('GET', '/registered-models/search', { filter: "name ILIKE 'wine%'" }))).toEqual([
      'Wine-rosé',
      'wine-red',
      'wine-white',
    ]);
    expect(names(await api.call('GET', '/registered-models/search', { filter: "tags.team = 'b'" }))).toEqual(['beer']);
    const first = await api.call('GET', '/registered-models/search', { max_results: '2', order_by: 'name DESC' });
    expect(names(first)).toEqual(['wine-white', 'wine-red']);
    const token = first.json().next_page_token as string;
    const second = await api.call('GET', '/registered-models/search', {
      max_results: '2',
      order_by: 'name DESC',
      page_token: token,
    });
    expect(names(second)).toEqual(['beer', 'Wine-rosé']);
    expect(second.json().next_page_token).toBeUndefined();
    const foreign = await api.call('GET', '/registered-models/search', { max_results: '2', page_token: token });
    expect(foreign.statusCode).toBe(400);
    const forged = await api.call('GET', '/registered-models/search', { page_token: `${token.slice(0, -2)}xx` });
    expect(forged.statusCode).toBe(400);
    expect((await api.call('GET', '/registered-models/search', { max_results: '1001' })).statusCode).toBe(400);
    expect((await api.call('GET', '/registered-models/search', { filter: 'name = 1 OR 1=1' })).statusCode).toBe(400);
    const versions = await api.call('GET', '/model-versions/search', {
      filter: `run_id = '${runId}' and name != 'beer'`,
    });
    expect(versions.json().model_versions.map((v: { name: string }) => v.name)).toEqual([
      'Wine-rosé',
      'wine-red',
      'wine-white',
    ]);
    const semver = await api.call('GET', '/model-versions/search', {
      filter: "tags.`slipway.semver` = '1.0.0' and tags.k = 'beer'",
    });
    expect(semver.json().model_versions).toHaveLength(1);
    const injection = await api.call('GET', '/model-versions/search', { filter: "name = 'x'' or ''1''=''1'" });
    expect(injection.json()).toEqual({});
  });

  it('updates, tags, transitions stages and deletes with MLflow methods (PATCH, DELETE with a body)', async () => {
    const api = await open();
    const runId = await api.logModel({ 'model.onnx': 'w' });
    await api.call('POST', '/registered-models/create', { name: 'wine' });
    for (let i = 0; i < 2; i++)
      await api.call('POST', '/model-versions/create', { name: 'wine', source: `runs:/${runId}/model` });
    const updated = await api.call('PATCH', '/model-versions/update', {
      name: 'wine',
      version: '1',
      description: 'v1 card',
    });
    expect(updated.json().model_version.description).toBe('v1 card');
    expect(
      (await api.call('PATCH', '/registered-models/update', { name: 'wine', description: 'card' })).json()
        .registered_model.description,
    ).toBe('card');
    await api.call('POST', '/model-versions/set-tag', { name: 'wine', version: '1', key: 'k', value: 'v' });
    await api.call('POST', '/registered-models/set-tag', { name: 'wine', key: 'team', value: 'ml' });
    const semverTag = await api.call('POST', '/model-versions/set-tag', {
      name: 'wine',
      version: '1',
      key: 'slipway.semver',
      value: '9.9.9',
    });
    expect(semverTag.statusCode).toBe(400);
    await api.call('POST', '/model-versions/transition-stage', {
      name: 'wine',
      version: '1',
      stage: 'production',
      archive_existing_versions: false,
    });
    const moved = await api.call('POST', '/model-versions/transition-stage', {
      name: 'wine',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
    });
    expect(moved.json().model_version.current_stage).toBe('Production');
    const latest = await api.call('POST', '/registered-models/get-latest-versions', {
      name: 'wine',
      stages: ['Production', 'Archived'],
    });
    expect(latest.json().model_versions.map((v: { version: string }) => v.version)).toEqual(['2', '1']);
    expect(
      (await api.call('POST', '/model-versions/transition-stage', { name: 'wine', version: '1', stage: 'Prod' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await api.call('DELETE', '/model-versions/delete-tag', { name: 'wine', version: '1', key: 'k' })).statusCode,
    ).toBe(200);
    expect((await api.call('DELETE', '/registered-models/delete-tag', { name: 'wine', key: 'team' })).statusCode).toBe(
      200,
    );
    const model = (await api.call('GET', '/registered-models/get', { name: 'wine' })).json().registered_model;
    expect(model.tags).toBeUndefined();
    expect(model.latest_versions.map((v: { current_stage: string }) => v.current_stage)).toEqual([
      'Production',
      'Archived',
    ]);
    const renamed = await api.call('POST', '/registered-models/rename', { name: 'wine', new_name: 'vino' });
    expect(renamed.json().registered_model.name).toBe('vino');
    expect(
      (await api.call('GET', '/model-versions/get', { name: 'vino', version: '2' })).json().model_version.name,
    ).toBe('vino');
    expect((await api.raw('DELETE', '/api/2.0/mlflow/registered-models/delete?name=vino')).statusCode).toBe(200);
    expect((await api.call('GET', '/registered-models/get', { name: 'vino' })).statusCode).toBe(404);
  });

  it('records the audit trail and answers which version an alias pointed to at a time', async () => {
    const api = await open();
    const runId = await api.logModel({ 'model.onnx': 'w' });
    await api.call('POST', '/registered-models/create', { name: 'wine' });
    for (let i = 0; i < 2; i++)
      await api.call('POST', '/model-versions/create', { name: 'wine', source: `runs:/${runId}/model` });
    await api.call('POST', '/registered-models/alias', { name: 'wine', alias: 'production', version: '1' });
    const history1 = (await api.raw('GET', '/api/v1/models/wine/history')).json();
    const setAt = history1.events[0].time as number;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await api.call('POST', '/registered-models/alias', { name: 'wine', alias: 'production', version: '2' });
    await api.call('DELETE', '/registered-models/alias', { name: 'wine', alias: 'production' });
    const history = (await api.raw('GET', '/api/v1/models/wine/history?max_results=3')).json();
    expect(history.events.map((e: { kind: string }) => e.kind)).toEqual(['alias.deleted', 'alias.set', 'alias.set']);
    expect(history.events[1]).toMatchObject({
      actor: 'anonymous',
      subject: 'models/wine',
      payload: { model: 'wine', alias: 'production', version: '2', before: '1', after: '2' },
    });
    const rest = (await api.raw('GET', `/api/v1/models/wine/history?page_token=${history.next_page_token}`)).json();
    expect(rest.events.map((e: { kind: string }) => e.kind)).toEqual([
      'model_version.created',
      'model_version.created',
      'registered_model.created',
    ]);
    expect(rest.events[0].subject).toBe('models/wine/versions/2');
    const at = (time: number | string) => api.raw('GET', `/api/v1/models/wine/aliases/production?at=${time}`);
    expect((await at(setAt)).json()).toMatchObject({ version: '1' });
    expect((await at(new Date(setAt).toISOString())).json()).toMatchObject({ version: '1' });
    expect((await at(setAt - 1)).json()).toMatchObject({ version: null });
    expect((await at(Date.now() + 1000)).json()).toMatchObject({ version: null });
    expect((await at('yesterday')).statusCode).toBe(400);
  });
});
