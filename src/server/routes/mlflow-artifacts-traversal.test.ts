import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponseSchema } from '../../contract/error-codes.js';
import { P_TRAV } from '../../domain/testing/traversal-payloads.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import {
  type ArtifactTestApp,
  artifactRows,
  eventually,
  fingerprint,
  HOST,
  listObjects,
  makeArtifactApp,
  type RawResponse,
  rawRequest,
  stagedFiles,
} from './testing/artifact-test-app.js';

const RUN = '0123456789abcdef0123456789abcdef';
const RUN_DIR = `0/${RUN}/artifacts`;

/** Every place a client can put a path, as request lines with the payload spliced in raw. */
const TARGETS: ReadonlyArray<[method: string, target: (payload: string) => string]> = [
  ['GET', (p) => `/api/2.0/mlflow-artifacts/artifacts/${p}`],
  ['GET', (p) => `/api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/${p}`],
  ['GET', (p) => `/ajax-api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/${p}`],
  ['PUT', (p) => `/api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/${p}`],
  ['PUT', (p) => `/api/2.0/mlflow-artifacts/artifacts/${p}`],
  ['DELETE', (p) => `/api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/${p}`],
  ['DELETE', (p) => `/api/2.0/mlflow-artifacts/artifacts/${p}`],
  ['GET', (p) => `/api/2.0/mlflow-artifacts/artifacts?path=${p}`],
  ['GET', (p) => `/api/2.0/mlflow-artifacts/artifacts?path=${RUN_DIR}/${p}`],
  ['GET', (p) => `/api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=${p}`],
  ['GET', (p) => `/ajax-api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=${p}`],
];

async function insertRun(metadata: MetadataStore): Promise<void> {
  await metadata.db
    .insertInto('runs')
    .values({
      run_uuid: RUN,
      experiment_id: 0,
      name: 'traversal',
      status: 'RUNNING',
      start_time: 1,
      end_time: null,
      lifecycle_stage: 'active',
      artifact_uri: `mlflow-artifacts:/${RUN_DIR}`,
      deleted_time: null,
    })
    .execute();
}

/** Why a response is not a safe refusal, or undefined when it is one. */
function unsafe(response: RawResponse, t: ArtifactTestApp): string | undefined {
  if (response.statusCode !== 400) return `status ${response.statusCode}`;
  const body = errorResponseSchema.safeParse(JSON.parse(response.body));
  if (!body.success) return 'not an {error_code, message} envelope';
  if (!['INVALID_PARAMETER_VALUE', 'BAD_REQUEST'].includes(body.data.error_code)) return body.data.error_code;
  if (response.body.includes(t.canary)) return 'canary in the body';
  if (response.body.includes(t.root)) return 'server path in the body';
  if (/\bat .*\.[jt]s:\d+/.test(response.body)) return 'stack trace in the body';
  return undefined;
}

forEachDialect('artifact paths sent raw (P_TRAV)', ({ open }) => {
  const apps: ArtifactTestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  /** A listening app with a run and one legitimate file, `0/<run>/artifacts/ok.txt`. */
  async function start(): Promise<{ t: ArtifactTestApp; port: number }> {
    const t = await makeArtifactApp(await open());
    apps.push(t);
    await insertRun(t.metadata);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as { port: number }).port;
    const seeded = await rawRequest(port, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/ok.txt`, 'ok');
    expect(seeded.statusCode, seeded.body).toBe(200);
    return { t, port };
  }

  it(`refuses each of the ${P_TRAV.length} payloads everywhere a path goes, and nothing changes`, async () => {
    const { t, port } = await start();
    const outsideBefore = await fingerprint(t.outsideDir);
    const failures: string[] = [];
    for (const payload of P_TRAV) {
      for (const [method, target] of TARGETS) {
        const request = target(payload);
        const response = await rawRequest(port, method, request, method === 'PUT' ? 'pwned' : '');
        const problem = unsafe(response, t);
        if (problem !== undefined) failures.push(`${method} ${request}: ${problem}: ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint(t.outsideDir)).toEqual(outsideBefore);
    expect((await artifactRows(t.metadata)).map((row) => row.path)).toEqual([`${RUN_DIR}/ok.txt`]);
    expect(await listObjects(t.objects)).toHaveLength(1);
    const legit = await rawRequest(port, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/ok.txt`);
    expect(legit.statusCode).toBe(200);
    expect(legit.body).toBe('ok');
  });

  it('refuses an endpoint path that is not literal (so the raw path cannot be misread)', async () => {
    const { port } = await start();
    const response = await rawRequest(port, 'GET', `/api/2.0/mlflow-artifacts/artifact%73/${RUN_DIR}/ok.txt`);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('stores nothing when the client disconnects mid-upload', async () => {
    const { t, port } = await start();
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const head = [
      `PUT /api/2.0/mlflow-artifacts/artifacts/${RUN_DIR}/cut.bin HTTP/1.1`,
      `Host: ${HOST}`,
      'Content-Type: application/octet-stream',
      `Content-Length: ${4 * 1024 * 1024}`,
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.write(randomBytes(1024 * 1024), () => resolve()));
    await eventually(async () => expect(await stagedFiles(t.storeDir)).toHaveLength(1));
    socket.destroy();
    await eventually(async () => expect(await stagedFiles(t.storeDir)).toEqual([]));
    expect((await artifactRows(t.metadata)).map((row) => row.path)).toEqual([`${RUN_DIR}/ok.txt`]);
    expect(await listObjects(t.objects)).toHaveLength(1);
  });
});

describe('P_TRAV', () => {
  it('holds the payloads of reference/security.md', () => {
    expect(P_TRAV).toEqual(expect.arrayContaining(['%2e%2e%2fsecret.txt', '..%5csecret.txt', '．．／secret.txt']));
  });
});
