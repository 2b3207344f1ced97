/**
 * The folder store's batch worker, as plain JavaScript run with `new Worker(source, { eval: true })` (so it loads
 * the same way under tsx, vitest and the compiled package). It moves many small objects per message with
 * synchronous calls, which cost a fraction of the CPU of one promise round trip per system call on the main thread:
 *
 * - `read`: opens each object, reads it whole into one shared buffer (objects over `max` are reported `large`),
 *   hashes it and reports a mismatch as `corrupt`. The buffer is transferred back, not copied.
 * - `write`: hashes each object (a mismatch is reported and nothing is stored for it), writes it to a temp file in
 *   `tmp/`, fsyncs the temp files together (in parallel on the thread pool, so the journal commits them in a few
 *   transactions), renames each into its fan-out folder, then fsyncs each touched folder once. A killed worker
 *   leaves at most temp files in `tmp/`, never a partial object; the call resolves only once everything is durable.
 * - `missing`: which digests have no object, listing fan-out folders asked about often instead of stat-ing each.
 *
 * Messages: `{ id, op, args }` in; `{ id, result }` or `{ id, error: { message, code, path } }` out.
 */
export const FS_BATCH_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash, randomBytes } = require('node:crypto');

const OBJECTS = '/objects/sha256/';
const madeDirs = new Set();
const tempPrefix = randomBytes(6).toString('hex') + '-';
let tempCount = 0;

const objectPath = (root, digest) => root + OBJECTS + digest.slice(7, 9) + '/' + digest.slice(9);
const folderOf = (root, digest) => root + OBJECTS + digest.slice(7, 9);
const hexOf = (bytes) => createHash('sha256').update(bytes).digest('hex');
const promised = (fn, ...args) => new Promise((resolve, reject) => fn(...args, (e) => (e ? reject(e) : resolve())));
const withPath = (error, path) => Object.assign(error, { path: error.path || path });

function readOne(root, digest, max, out) {
  const path = objectPath(root, digest);
  let fd;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return { status: 'absent' };
    throw withPath(error, path);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > max) return { status: 'large', size };
    const bytes = out.take(size);
    let offset = 0;
    while (offset < size) {
      const read = fs.readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    const actual = hexOf(bytes.subarray(0, offset));
    if (offset !== size || actual !== digest.slice(7)) return { status: 'corrupt', size: offset, actual };
    return { status: 'ok', offset: out.offsetOf(bytes), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** One growing buffer for a whole batch: a single transfer back to the main thread. */
function arena(capacity) {
  let buffer = Buffer.allocUnsafeSlow(Math.max(capacity, 1));
  let used = 0;
  return {
    take(size) {
      if (used + size > buffer.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, used + size));
        buffer.copy(bigger, 0, 0, used);
        buffer = bigger;
      }
      const slice = buffer.subarray(used, used + size);
      used += size;
      return slice;
    },
    offsetOf: (slice) => slice.byteOffset - buffer.byteOffset,
    get buffer() {
      return buffer.buffer;
    },
  };
}

function read(args) {
  const out = arena(Math.min(args.max, 64 * 1024) * Math.min(args.digests.length, 64));
  const results = args.digests.map((digest) => readOne(args.root, digest, args.max, out));
  return { results, buffer: out.buffer };
}

function ensureFolder(root, folder) {
  if (madeDirs.has(folder)) return false;
  let created;
  try {
    created = fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw withPath(error, folder);
  }
  madeDirs.add(folder);
  return created !== undefined;
}

function stageAll(args, bytes, results, staged) {
  const tmp = args.root + '/tmp';
  if (!madeDirs.has(tmp)) {
    fs.mkdirSync(tmp, { recursive: true });
    madeDirs.add(tmp);
  }
  const seen = new Set();
  args.objects.forEach(([digest, offset, size], index) => {
    const body = bytes.subarray(offset, offset + size);
    const actual = hexOf(body);
    if (actual !== digest.slice(7)) {
      results[index] = { status: 'mismatch', actual, size };
      return;
    }
    results[index] = { status: 'ok', size };
    if (seen.has(digest)) return;
    seen.add(digest);
    const temp = tmp + '/' + tempPrefix + (tempCount++).toString(36) + '.tmp';
    const entry = { digest, temp, fd: -1 };
    staged.push(entry);
    entry.fd = fs.openSync(temp, 'wx', 0o444);
    let written = 0;
    while (written < size) written += fs.writeSync(entry.fd, body, written, size - written);
  });
}

async function publishAll(args, staged) {
  await Promise.all(staged.map((entry) => promised(fs.fsync, entry.fd).catch((e) => Promise.reject(withPath(e, entry.temp)))));
  for (const entry of staged) {
    fs.closeSync(entry.fd);
    entry.fd = -1;
  }
  const folders = new Set();
  let created = false;
  for (const entry of staged) {
    const folder = folderOf(args.root, entry.digest);
    if (ensureFolder(args.root, folder)) created = true;
    try {
      fs.renameSync(entry.temp, objectPath(args.root, entry.digest));
    } catch (error) {
      if (error.code !== 'ENOENT') throw withPath(error, folder);
      madeDirs.delete(folder); // removed behind our back: make it again
      if (ensureFolder(args.root, folder)) created = true;
      fs.renameSync(entry.temp, objectPath(args.root, entry.digest));
    }
    entry.temp = undefined;
    folders.add(folder);
  }
  if (created) for (const parent of [args.root + '/objects/sha256', args.root + '/objects', args.root]) folders.add(parent);
  await Promise.all([...folders].map((folder) => fsyncFolder(folder)));
}

async function fsyncFolder(folder) {
  const fd = fs.openSync(folder, 'r');
  try {
    await promised(fs.fsync, fd);
  } catch (error) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(error.code)) throw withPath(error, folder);
  } finally {
    fs.closeSync(fd);
  }
}

async function write(args) {
  const bytes = Buffer.from(args.buffer);
  const results = new Array(args.objects.length);
  const staged = [];
  try {
    stageAll(args, bytes, results, staged);
    await publishAll(args, staged);
    return { results };
  } finally {
    for (const entry of staged) {
      if (entry.fd >= 0) fs.closeSync(entry.fd);
      if (entry.temp !== undefined) fs.rmSync(entry.temp, { force: true });
    }
  }
}

function present(path) {
  try {
    return fs.statSync(path).isFile();
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
    throw withPath(error, path);
  }
}

function missing(args) {
  const byFanOut = new Map();
  for (const digest of args.digests) {
    const fanOut = digest.slice(7, 9);
    if (!byFanOut.has(fanOut)) byFanOut.set(fanOut, []);
    byFanOut.get(fanOut).push(digest);
  }
  const absent = new Set();
  for (const [fanOut, digests] of byFanOut) {
    if (digests.length < 16) {
      for (const digest of digests) if (!present(objectPath(args.root, digest))) absent.add(digest);
      continue;
    }
    let names;
    try {
      names = new Set(fs.readdirSync(args.root + OBJECTS + fanOut));
    } catch (error) {
      if (error.code !== 'ENOENT') throw withPath(error, args.root + OBJECTS + fanOut);
      names = new Set();
    }
    for (const digest of digests) if (!names.has(digest.slice(9))) absent.add(digest);
  }
  return args.digests.filter((digest) => absent.has(digest));
}

const OPS = { read, write, missing };

parentPort.on('message', async (message) => {
  try {
    const result = await OPS[message.op](message.args);
    const transfer = result && result.buffer instanceof ArrayBuffer ? [result.buffer] : [];
    parentPort.postMessage({ id: message.id, result }, transfer);
  } catch (error) {
    const detail = { message: String(error && error.message), code: error && error.code, path: error && error.path };
    parentPort.postMessage({ id: message.id, error: detail });
  }
});
`;
