import { spawn } from 'node:child_process';
import { SlipwayError } from '../../domain/errors.js';

interface Pending {
  readonly spec: string;
  readonly resolve: (value: Buffer | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One long-running `git cat-file --batch`: reads many blobs (by object id or `rev:path`) through a single process,
 * never one process per file. Requests are answered in order; a missing object (or one that is not a blob)
 * resolves to undefined.
 */
export class GitBlobReader {
  readonly #child;
  readonly #pending: Pending[] = [];
  #buffer: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;

  constructor(cwd: string) {
    this.#child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#receive(chunk));
    let stderr = '';
    this.#child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.#child.on('error', (error) => this.#fail(error));
    this.#child.on('close', () => this.#fail(new Error(`git cat-file ended: ${stderr.trim() || 'no output'}`)));
    this.#child.stdin.on('error', () => {});
  }

  read(spec: string): Promise<Buffer | undefined> {
    if (/[\n\0]/.test(spec)) return Promise.reject(new Error(`invalid object name ${JSON.stringify(spec)}`));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ spec, resolve, reject });
      this.#child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#pending.length > 0 && this.#takeOne()) {}
  }

  /** Parses one answer from the buffer if it is complete; returns whether it did. */
  #takeOne(): boolean {
    const newline = this.#buffer.indexOf(10);
    if (newline === -1) return false;
    const header = this.#buffer.subarray(0, newline).toString();
    const request = this.#pending[0] as Pending;
    if (/ (missing|ambiguous)$/.test(header)) {
      this.#buffer = this.#buffer.subarray(newline + 1);
      this.#pending.shift();
      request.resolve(undefined);
      return true;
    }
    const [, type, sizeText] = header.split(' ');
    const size = Number(sizeText);
    if (!Number.isSafeInteger(size)) {
      this.#fail(new Error(`unexpected git cat-file output: ${header}`));
      return false;
    }
    if (this.#buffer.length < newline + 1 + size + 1) return false;
    const body = Buffer.from(this.#buffer.subarray(newline + 1, newline + 1 + size));
    this.#buffer = this.#buffer.subarray(newline + 1 + size + 1);
    this.#pending.shift();
    request.resolve(type === 'blob' ? body : undefined);
    return true;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const request of this.#pending.splice(0)) {
      request.reject(
        new SlipwayError('INVALID_STATE', `Reading ${request.spec} from git failed: ${error.message}`, {
          hint: 'Check that git is installed and that this is a git repository.',
          cause: error,
        }),
      );
    }
  }
}
