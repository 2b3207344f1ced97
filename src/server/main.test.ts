import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { SlipwayError } from '../domain/errors.js';
import { type RunningServer, startServer } from './main.js';

let home: string;
const running: RunningServer[] = [];
const logger = pino({ level: 'silent' });

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'slipway-server-'));
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  await rm(home, { recursive: true, force: true });
});

async function start(flags: ConfigLayer = {}): Promise<RunningServer> {
  const config = await loadConfig({ flags: { home, ...flags }, env: {}, cwd: home, homeDir: home });
  const server = await startServer(config, { logger, handleSignals: false, version: '1.2.3' });
  running.push(server);
  return server;
}

/** A raw HTTP exchange, so headers (or their absence) are exactly what we write. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer', () => {
  it('listens on a free port and answers over real HTTP', async () => {
    const server = await start({ server: { port: 0 } });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/version`)).json()).toEqual({ version: '1.2.3' });
    expect(existsSync(join(home, 'slipway.db'))).toBe(true);
  });

  it('refuses a foreign Host header over real HTTP', async () => {
    const server = await start({ server: { port: 0 } });
    const evil = await getWithHost(server.port, '/version', 'evil.attacker.com');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Invalid Host header' });
    expect((await getWithHost(server.port, '/version', `localhost:${server.port}`)).status).toBe(200);
  });

  it('answers 400 to a request without a Host header', async () => {
    const server = await start({ server: { port: 0 } });
    const http10 = await rawRequest(server.port, 'GET /version HTTP/1.0\r\n\r\n');
    expect(http10).toMatch(/^HTTP\/1\.[01] 400/);
    expect(http10).toContain('"error_code":"BAD_REQUEST"');
    const http11 = await rawRequest(server.port, 'GET /version HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(http11).toMatch(/^HTTP\/1\.1 400/);
  });

  it('answers malformed HTTP with an envelope, then closes the connection', async () => {
    const server = await start({ server: { port: 0 } });
    const answer = await rawRequest(server.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('x-content-type-options: nosniff');
    expect(answer.split('\r\n\r\n')[1]).toBe('{"error_code":"BAD_REQUEST","message":"Malformed HTTP request."}');
  });

  it('closes gracefully and idempotently, freeing the port', async () => {
    const server = await start({ server: { port: 0 } });
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('refuses a non-loopback address without --insecure, before opening anything', async () => {
    const error = await start({ server: { host: '0.0.0.0', port: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as SlipwayError).message).toContain('Refusing to listen on 0.0.0.0');
    expect((error as SlipwayError).hint).toContain('--insecure');
    expect(existsSync(join(home, 'slipway.db'))).toBe(false);
  });

  it('binds a non-loopback address with --insecure', async () => {
    const server = await start({ server: { host: '0.0.0.0', port: 0, insecure: true } });
    expect(server.url).toBe(`http://0.0.0.0:${server.port}`);
    expect((await getWithHost(server.port, '/health', 'whatever')).status).toBe(200);
  });

  it('reports a port in use as RESOURCE_CONFLICT and closes what it opened', async () => {
    const first = await start({ server: { port: 0 } });
    const error = await start({ server: { port: first.port } }).catch((e: unknown) => e);
    expect((error as SlipwayError).code).toBe('RESOURCE_CONFLICT');
    expect((error as SlipwayError).message).toContain(`Port ${first.port}`);
  });
});
