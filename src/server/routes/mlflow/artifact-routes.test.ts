import { afterEach, expect, it } from 'vitest';
import type { MetadataStore } from '../../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../../storage/metadata/testing/for-each-dialect.js';
import { type ArtifactTestApp, expectError, inject, makeArtifactApp } from '../testing/artifact-test-app.js';

const RUN = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const ROOT_URI = `mlflow-artifacts:/0/${RUN}/artifacts`;

async function insertRun(metadata: MetadataStore, runUuid: string, artifactUri: string, deleted = false) {
  await metadata.db
    .insertInto('runs')
    .values({
      run_uuid: runUuid,
      experiment_id: 0,
      name: runUuid.slice(0, 6),
      status: 'FINISHED',
      start_time: 1,
      end_time: 2,
      lifecycle_stage: deleted ? 'deleted' : 'active',
      artifact_uri: artifactUri,
      deleted_time: deleted ? 3 : null,
    })
    .execute();
}

forEachDialect('GET /api/2.0/mlflow/artifacts/list', ({ open }) => {
  const apps: ArtifactTestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function withRun(): Promise<ArtifactTestApp> {
    const t = await makeArtifactApp(await open());
    apps.push(t);
    await insertRun(t.metadata, RUN, ROOT_URI);
    for (const [path, body] of [
      ['model/MLmodel', 'm'],
      ['model/data/model.onnx', 'onnx'],
      ['metrics.json', '{}'],
      ['a%20b/c.txt', 'c'],
    ] as const) {
      const response = await inject(t.app, {
        method: 'PUT',
        url: `/api/2.0/mlflow-artifacts/artifacts/0/${RUN}/artifacts/${path}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    return t;
  }

  const list = (t: ArtifactTestApp, query: string, prefix = '/api') =>
    inject(t.app, { url: `${prefix}/2.0/mlflow/artifacts/list?${query}` });

  it('lists a run’s top level with paths relative to its artifact root', async () => {
    const t = await withRun();
    const response = await list(t, `run_id=${RUN}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      root_uri: ROOT_URI,
      files: [
        { path: 'a b', is_dir: true },
        { path: 'metrics.json', is_dir: false, file_size: 2 },
        { path: 'model', is_dir: true },
      ],
    });
  });

  it('lists a sub-folder, by run_uuid too and under /ajax-api', async () => {
    const t = await withRun();
    const expected = {
      root_uri: ROOT_URI,
      files: [
        { path: 'model/MLmodel', is_dir: false, file_size: 1 },
        { path: 'model/data', is_dir: true },
      ],
    };
    expect((await list(t, `run_id=${RUN}&path=model`)).json()).toEqual(expected);
    expect((await list(t, `run_uuid=${RUN}&path=model/`, '/ajax-api')).json()).toEqual(expected);
    expect((await list(t, `run_id=${RUN}&path=a%20b`)).json()).toEqual({
      root_uri: ROOT_URI,
      files: [{ path: 'a b/c.txt', is_dir: false, file_size: 1 }],
    });
    expect((await list(t, `run_id=${RUN}&path=nothing`)).json()).toEqual({ root_uri: ROOT_URI });
  });

  it('pages through a big folder with next_page_token', async () => {
    const t = await withRun();
    const rows = Array.from({ length: 1003 }, (_, i) => ({
      path: `0/${RUN}/artifacts/many/f${String(i).padStart(4, '0')}`,
      digest: `sha256:${'0'.repeat(64)}`,
      size: i,
      created_time: 1,
    }));
    await t.metadata.db.insertInto('artifact_files').values(rows).execute();
    const first = (await list(t, `run_id=${RUN}&path=many`)).json() as { files: unknown[]; next_page_token: string };
    expect(first.files).toHaveLength(1000);
    expect(first.files[0]).toEqual({ path: 'many/f0000', is_dir: false, file_size: 0 });
    const second = (await list(t, `run_id=${RUN}&path=many&page_token=${first.next_page_token}`)).json();
    expect(second).toEqual({
      root_uri: ROOT_URI,
      files: [1000, 1001, 1002].map((i) => ({ path: `many/f${i}`, is_dir: false, file_size: i })),
    });
  });

  it('answers 404 for an unknown run and lists a deleted one', async () => {
    const t = await withRun();
    const missing = expectError(await list(t, `run_id=${'b'.repeat(32)}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(missing.message).toBe(`Run '${'b'.repeat(32)}' not found.`);
    await insertRun(t.metadata, 'c'.repeat(32), `mlflow-artifacts:/0/${'c'.repeat(32)}/artifacts`, true);
    expect((await list(t, `run_id=${'c'.repeat(32)}`)).json()).toEqual({
      root_uri: `mlflow-artifacts:/0/${'c'.repeat(32)}/artifacts`,
    });
  });

  it('refuses a missing run id, a bad page token, traversal and runs stored elsewhere', async () => {
    const t = await withRun();
    expect(expectError(await list(t, 'path=model'), 400, 'INVALID_PARAMETER_VALUE').message).toMatch(/run_id/);
    expectError(await list(t, 'run_id=../../x'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await list(t, `run_id=${RUN}&page_token=garbage`), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await list(t, `run_id=${RUN}&path=..%2f..%2f`), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await list(t, `run_id=${RUN}&run_id=${RUN}`), 400, 'INVALID_PARAMETER_VALUE');
    await insertRun(t.metadata, 'd'.repeat(32), 's3://bucket/elsewhere');
    const elsewhere = expectError(await list(t, `run_id=${'d'.repeat(32)}`), 501, 'NOT_IMPLEMENTED');
    expect(elsewhere.message).not.toContain('bucket');
  });
});
