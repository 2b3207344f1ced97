import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../contract/error-codes.js';
import { HTTP_STATUS } from '../contract/http-status.js';
import { SECURITY_HEADERS } from './security-headers.js';

const CLIENT_ERRORS: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'DEADLINE_EXCEEDED', message: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: { code: 'PAYLOAD_TOO_LARGE', message: 'The request headers are too large.' },
};
const MALFORMED = { code: 'BAD_REQUEST', message: 'Malformed HTTP request.' } as const;

/** The raw HTTP answer for one envelope, with the security headers. */
export function rawErrorResponse(code: ErrorCode, message: string): string {
  const status = HTTP_STATUS[code];
  const body = JSON.stringify({ error_code: code, message });
  const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`,
    'content-type: application/json; charset=utf-8\r\n',
    `content-length: ${Buffer.byteLength(body)}\r\n`,
    'connection: close\r\n',
    ...headers,
    `\r\n${body}`,
  ].join('');
}

/**
 * For Fastify's `clientErrorHandler`: HTTP the parser could not read (malformed request line, oversized headers,
 * a request that trickles in too slowly) gets an MLflow envelope too, then the connection is closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  if (socket.writable) socket.write(rawErrorResponse(code, message));
  socket.destroy();
}
