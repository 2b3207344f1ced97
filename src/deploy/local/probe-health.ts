import { request } from 'node:http';

export type HealthResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * GET `<baseUrl>/health`: ok on a 2xx answer within `timeoutMs`. Never rejects; a refused connection, another
 * status or no answer in time is reported as the error. No connection is kept (a hung child must not pin one).
 */
export function probeHealth(baseUrl: string, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}/health`, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `GET /health answered ${status}` });
    });
    req.on('timeout', () => req.destroy(new Error(`GET /health gave no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
    req.end();
  });
}
