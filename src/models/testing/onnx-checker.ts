import { execFileSync } from 'node:child_process';

const CANDIDATES = ['python3', '/usr/bin/python3'];

/** A python interpreter that can `import onnx` (Debian's python3-onnx lives under /usr/bin/python3), if any. */
export function findOnnxPython(): string | undefined {
  for (const python of CANDIDATES) {
    try {
      execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore', timeout: 30_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Says loudly, once per suite, that the reference checker is missing and what it skips. */
export function warnNoOnnxChecker(what: string): void {
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\nSKIPPED: ${what}\nNo python3 with the onnx package (Debian: apt-get install python3-onnx).\n${line}\n`,
  );
}

/** Runs onnx.checker.check_model(path, full_check=True); throws with the checker's message when it fails. */
export function checkWithOnnx(python: string, path: string): void {
  const script = 'import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True); print("ok")';
  execFileSync(python, ['-c', script, path], { encoding: 'utf8', timeout: 60_000 });
}
