import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * An append-only log file bounded in size: a write that would take it past `maxBytes` first renames it to
 * `<file>.1` (replacing the previous one) and starts a new file, so a file and its predecessor hold the latest
 * output. Writes are synchronous (ordered, on disk when a child crashes); a failing write is dropped, never thrown —
 * a full disk must not take the supervisor down.
 */
export class RotatingLog {
  private fd: number | undefined;
  private size = 0;
  private ended = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
  ) {}

  /** Raw output (a child's stdout or stderr). */
  write(chunk: Buffer | string): void {
    if (this.ended) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      this.rotateIfFull(bytes.length);
      const fd = this.open();
      writeSync(fd, bytes);
      this.size += bytes.length;
    } catch {
      this.release();
    }
  }

  /** One line of the supervisor's own, timestamped: `2025-01-02T03:04:05.678Z [supervisor] started pid 42`. */
  line(text: string): void {
    this.write(`${new Date().toISOString()} [supervisor] ${text}\n`);
  }

  /** Closes the file; later writes are dropped. */
  close(): void {
    this.ended = true;
    this.release();
  }

  private release(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }

  private open(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.path, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
    }
    return this.fd;
  }

  private rotateIfFull(incoming: number): void {
    this.open();
    if (this.size === 0 || this.size + incoming <= this.maxBytes) return;
    this.release();
    renameSync(this.path, `${this.path}.1`);
  }
}
