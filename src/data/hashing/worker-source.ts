/**
 * The hashing worker, as plain JavaScript run with `new Worker(source, { eval: true })`: it then loads the same way
 * under tsx, vitest and the compiled package, with no loader hooks. It does the per-file work with synchronous
 * calls (no thread-pool round trips): scanning folders, hashing files, storing them as cache objects (a temp file,
 * then a rename to `objects/sha256/ab/…`, so a killed worker never leaves a partial object), and placing links.
 * Small files are hashed first and staged as `.<hex>.slipway-obj-<id>` in their object's folder; large files are
 * staged in `<cache>/tmp`. Large files are copied (or cloned) by the kernel while the worker hashes them; the copy is kept
 * only if the file did not change meanwhile (same inode, size and mtime before and after).
 *
 * Checkout writes many small files the same way (`materialize`): verified cache object → temp file beside the target,
 * renamed over it.
 *
 * Messages: `{ id, op, args }` in; `{ id, result }` or `{ id, error: { message, code, path, kind } }` out.
 */
export const HASH_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const nodePath = require('node:path');
const { createHash, randomBytes } = require('node:crypto');

const CHUNK = 1024 * 1024;
const TEMP_PATTERN = /^\..+\.slipway-tmp-[0-9a-f]{12}$/;
let buffer;
const madeDirs = new Set();
const tempPrefix = randomBytes(6).toString('hex') + '-';
let tempCount = 0;

const fail = (kind, message, path) => Object.assign(new Error(message), { kind, path });
const sha = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex');
const objectPath = (cache, digest) => cache.objects + '/' + digest.slice(7, 9) + '/' + digest.slice(9);
const siblingTemp = (abs) =>
  nodePath.join(nodePath.dirname(abs), '.' + nodePath.basename(abs) + '.slipway-tmp-' + randomBytes(6).toString('hex'));

function ensureDir(dir) {
  if (madeDirs.has(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  madeDirs.add(dir);
}

function objectSize(path) {
  try {
    const info = fs.statSync(path, { throwIfNoEntry: false });
    return info !== undefined && info.isFile() ? info.size : -1;
  } catch (error) {
    if (error.code === 'ENOTDIR') return -1;
    throw error;
  }
}

// ---- scanning -------------------------------------------------------------------------------------------------

// The stamp must match stampOf() in state/state-index.ts: inode, size and mtime as plain numbers.
function fileEntry(path, info, extra) {
  const stamp = info.ino + ':' + info.size + ':' + info.mtimeMs;
  return Object.assign({ path, size: info.size, stamp, mtimeMs: info.mtimeMs, exec: (info.mode & 0o111) !== 0 }, extra);
}

function scanSymlink(abs, rel, args, out) {
  const target = nodePath.resolve(nodePath.dirname(abs), fs.readlinkSync(abs));
  const link = fs.lstatSync(abs);
  if (target.startsWith(args.objects + '/')) {
    const parts = target.slice(args.objects.length + 1).split('/');
    const digest = 'sha256:' + parts.join('');
    const size = objectSize(target);
    if (parts.length !== 2 || !/^sha256:[0-9a-f]{64}$/.test(digest) || size < 0) {
      out.problems.push({ path: rel, problem: 'dangling' });
      return;
    }
    out.files.push(fileEntry(rel, link, { size, exec: false, linkDigest: digest }));
    return;
  }
  let real;
  try {
    real = fs.realpathSync(abs);
  } catch {
    out.problems.push({ path: rel, problem: 'dangling' });
    return;
  }
  const inside = real.startsWith(args.root + '/') && !args.forbidden.some((f) => real === f || real.startsWith(f + '/'));
  const info = fs.statSync(real);
  if (!inside) out.problems.push({ path: rel, problem: 'escapes' });
  else if (!info.isFile()) out.problems.push({ path: rel, problem: 'special' });
  else out.files.push(fileEntry(rel, info, { follow: true }));
}

function scanOne(abs, rel, args, out, stack) {
  let entries;
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    if (rel === args.prefix && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return;
    throw error;
  }
  for (const entry of entries) {
    const childAbs = abs + '/' + entry.name;
    const childRel = rel === '' ? entry.name : rel + '/' + entry.name;
    if (entry.isDirectory()) (args.recursive ? stack : out.dirs).push([childAbs, childRel]);
    else if (TEMP_PATTERN.test(entry.name)) out.temps.push(childRel);
    else if (entry.isFile()) out.files.push(fileEntry(childRel, fs.lstatSync(childAbs)));
    else if (entry.isSymbolicLink()) scanSymlink(childAbs, childRel, args, out);
    else out.problems.push({ path: childRel, problem: 'special' });
  }
}

/** Files go back in columns (joined strings, typed arrays): far cheaper to pass between threads than objects. */
function columns(files) {
  const sizes = new Float64Array(files.length);
  const mtimes = new Float64Array(files.length);
  const execs = new Uint8Array(files.length);
  const links = [];
  files.forEach((file, index) => {
    sizes[index] = file.size;
    mtimes[index] = file.mtimeMs;
    execs[index] = file.exec ? 1 : 0;
    if (file.linkDigest !== undefined) links.push([index, file.linkDigest]);
  });
  const paths = files.map((file) => file.path).join('\0');
  const stamps = files.map((file) => file.stamp).join('\0');
  return { count: files.length, paths, stamps, sizes, mtimes, execs, links };
}

function scan(args) {
  const out = { files: [], dirs: [], temps: [], problems: [] };
  const stack = [[args.dir, args.prefix]];
  while (stack.length > 0) {
    const [abs, rel] = stack.pop();
    scanOne(abs, rel, args, out, stack);
  }
  out.dirs = out.dirs.map(([abs, rel]) => ({ abs, rel }));
  out.files = columns(out.files);
  return out;
}

// ---- hashing and storing --------------------------------------------------------------------------------------

function hashFd(fd) {
  buffer = buffer || Buffer.allocUnsafe(CHUNK);
  const hash = createHash('sha256');
  let bytes = 0;
  for (;;) {
    const read = fs.readSync(fd, buffer, 0, CHUNK, null);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    bytes += read;
  }
  return { digest: 'sha256:' + hash.digest('hex'), bytes };
}

/** The whole file, in one buffer with room for a byte more: a short read means end of file (regular files). */
function readAll(fd, size) {
  const bytes = Buffer.allocUnsafe(size + 1);
  let offset = 0;
  for (;;) {
    const want = size + 1 - offset;
    const read = fs.readSync(fd, bytes, offset, want, null);
    offset += read;
    if (read < want) break;
    if (offset > size) return undefined;
  }
  return offset === size ? bytes.subarray(0, size) : undefined;
}

function tempObject(cache) {
  ensureDir(cache.tmp);
  return cache.tmp + '/' + randomBytes(12).toString('hex') + '.tmp';
}

function publish(temp, cache, digest, readOnly) {
  const target = objectPath(cache, digest);
  ensureDir(nodePath.dirname(target));
  if (!readOnly) fs.chmodSync(temp, 0o444);
  fs.renameSync(temp, target);
}

function sameFile(a, b) {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

const changed = (path) => fail('changed', 'changed while it was being read', path);

/** Places the workspace file as a hard link or symbolic link to its object (link modes; copies stay as they are). */
function relink(abs, object, mode) {
  if (mode === 'hardlink') {
    if (fs.statSync(abs).ino === fs.statSync(object).ino) return;
    const temp = siblingTemp(abs);
    fs.linkSync(object, temp);
    fs.renameSync(temp, abs);
  } else if (mode === 'symlink') {
    const current = fs.lstatSync(abs);
    if (current.isSymbolicLink() && fs.readlinkSync(abs) === object) return;
    const temp = siblingTemp(abs);
    fs.symlinkSync(object, temp);
    fs.renameSync(temp, abs);
  }
}

/** Puts a file's bytes at a temp path in the cache: link (link modes), clone or kernel copy. */
async function stage(abs, temp, mode) {
  if (mode === 'hardlink' || mode === 'symlink') {
    try {
      fs.linkSync(abs, temp);
      return;
    } catch (error) {
      if (mode === 'hardlink' || error.code !== 'EXDEV') throw error;
    }
  }
  const flags = mode === 'reflink' ? fs.constants.COPYFILE_FICLONE : 0;
  await fs.promises.copyFile(abs, temp, flags | fs.constants.COPYFILE_EXCL);
}

function finish(item, digest, pre, counts, mode) {
  const linked = mode === 'hardlink' || mode === 'symlink';
  const info = linked ? fs.lstatSync(item.abs) : pre;
  return fileEntry(item.path, info, { size: pre.size, exec: (pre.mode & 0o111) !== 0, digest, ...counts });
}

async function ingestLarge(item, fd, pre, args) {
  const temp = tempObject(args.cache);
  const staging = stage(item.abs, temp, args.mode);
  staging.catch(() => {});
  try {
    const { digest, bytes } = hashFd(fd);
    await staging;
    const post = fs.statSync(item.abs);
    if (bytes !== pre.size || !sameFile(pre, post)) throw changed(item.path);
    const object = objectPath(args.cache, digest);
    const stored = objectSize(object) !== bytes;
    if (stored) publish(temp, args.cache, digest, false);
    else fs.rmSync(temp, { force: true });
    relink(item.abs, object, args.mode);
    return finish(item, digest, pre, { hashed: true, stored }, args.mode);
  } catch (error) {
    await staging.catch(() => {});
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function ingestSmall(item, fd, pre, args) {
  const bytes = readAll(fd, pre.size);
  if (bytes === undefined) throw changed(item.path);
  const digest = sha(bytes);
  const object = objectPath(args.cache, digest);
  const stored = objectSize(object) !== bytes.length;
  if (stored) {
    // The digest is known, so the temp file goes in the object's own folder: a rename within one folder does not
    // take the file system's cross-folder rename lock, and workers do not contend on one shared temp folder.
    const folder = nodePath.dirname(object);
    ensureDir(folder);
    const temp = folder + '/.' + digest.slice(9, 21) + '.slipway-obj-' + tempPrefix + (tempCount++).toString(36);
    try {
      fs.writeFileSync(temp, bytes, { flag: 'wx', mode: 0o444 });
      fs.renameSync(temp, object);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }
  return finish(item, digest, pre, { hashed: true, stored }, args.mode);
}

async function ingestOne(item, args) {
  if (args.store && item.known !== undefined && objectSize(objectPath(args.cache, item.known)) === item.size) {
    relink(item.abs, objectPath(args.cache, item.known), args.mode);
    const pre = fs.statSync(item.abs);
    return finish(item, item.known, pre, { hashed: false, stored: false }, args.mode);
  }
  const fd = fs.openSync(item.abs, 'r');
  try {
    const pre = fs.fstatSync(fd);
    if (!pre.isFile()) throw fail('special', 'is not a regular file', item.path);
    if (!args.store) {
      const { digest, bytes } = hashFd(fd);
      if (bytes !== pre.size) throw changed(item.path);
      return fileEntry(item.path, pre, { digest, hashed: true, stored: false });
    }
    const small = pre.size <= args.smallBytes && (args.mode === 'copy' || args.mode === 'reflink');
    return small ? ingestSmall(item, fd, pre, args) : await ingestLarge(item, fd, pre, args);
  } finally {
    fs.closeSync(fd);
  }
}

async function ingest(args) {
  const results = [];
  for (const item of args.items) results.push(await ingestOne(item, args));
  return results;
}

/** Digests without an object. Fan-out folders asked about often are listed once instead of stat-ing each object. */
function missing(args) {
  const byFanOut = new Map();
  for (const digest of args.digests) {
    const fanOut = digest.slice(7, 9);
    if (!byFanOut.has(fanOut)) byFanOut.set(fanOut, []);
    byFanOut.get(fanOut).push(digest);
  }
  const absent = [];
  for (const [fanOut, digests] of byFanOut) {
    if (digests.length < 16) {
      for (const digest of digests) if (objectSize(objectPath(args.cache, digest)) < 0) absent.push(digest);
      continue;
    }
    let names;
    try {
      names = new Set(fs.readdirSync(args.cache.objects + '/' + fanOut));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      names = new Set();
    }
    for (const digest of digests) if (!names.has(digest.slice(9))) absent.push(digest);
  }
  return absent;
}

// ---- checkout -------------------------------------------------------------------------------------------------


/** A cache object's bytes, verified against its digest (a corrupt object is never written out). */
function verifiedObject(cache, digest) {
  const path = objectPath(cache, digest);
  const bytes = fs.readFileSync(path);
  if (sha(bytes) !== digest) throw fail('corrupt', 'is corrupt in the cache', path);
  return bytes;
}

function stageCopy(cache, item, folders, staged) {
  const folder = nodePath.dirname(item.abs);
  if (!folders.has(folder)) {
    fs.mkdirSync(folder, { recursive: true });
    folders.add(folder);
  }
  const bytes = verifiedObject(cache, item.digest);
  const entry = { item, temp: siblingTemp(item.abs), fd: -1 };
  staged.push(entry);
  entry.fd = fs.openSync(entry.temp, 'wx', item.mode);
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(entry.fd, bytes, written, bytes.length - written);
  fs.fchmodSync(entry.fd, item.mode);
}

function placeCopy(entry) {
  const info = fs.fstatSync(entry.fd);
  fs.closeSync(entry.fd);
  entry.fd = -1;
  try {
    fs.renameSync(entry.temp, entry.item.abs);
  } catch (error) {
    if (error.code === 'EISDIR' || error.code === 'ENOTEMPTY' || error.code === 'EEXIST')
      throw fail('folder', 'is a folder', entry.item.abs);
    throw error;
  }
  entry.temp = undefined;
  return fileEntry(entry.item.path, info);
}

/**
 * Writes cache objects out as workspace files, atomically: each verified object goes to a temp file beside its
 * target and is renamed over it. A killed worker leaves temp files (removed by the next checkout), never a partial
 * file under a real name. Workspace files are not fsynced (git does not fsync its work tree either): they are
 * derived from the cache, whose objects are durable, and after a power cut \`status\` sees any file the disk lost
 * (its size or mtime differs from the state index) and \`checkout --force\` rewrites it.
 */
async function materialize(args) {
  const staged = [];
  const folders = new Set();
  try {
    for (const item of args.items) stageCopy(args.cache, item, folders, staged);
    return staged.map(placeCopy);
  } finally {
    for (const entry of staged) {
      if (entry.fd >= 0) fs.closeSync(entry.fd);
      if (entry.temp !== undefined) fs.rmSync(entry.temp, { force: true });
    }
  }
}

const OPS = { scan, ingest, missing, materialize };

parentPort.on('message', async (message) => {
  try {
    const result = await OPS[message.op](message.args);
    parentPort.postMessage({ id: message.id, result });
  } catch (error) {
    const detail = { message: String(error && error.message), code: error && error.code, path: error && error.path };
    parentPort.postMessage({ id: message.id, error: Object.assign(detail, { kind: error && error.kind }) });
  }
});
`;
