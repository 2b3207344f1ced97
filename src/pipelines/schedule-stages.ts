/**
 * Runs `run` for every node once all its upstream nodes (among `nodes`) have succeeded, at most `jobs` at a time,
 * independent nodes in parallel. After the first failure nothing new starts; the running ones finish, then the
 * promise rejects with that failure. Returns the results in `nodes` order.
 */
export function scheduleStages<T>(
  nodes: readonly string[],
  upstream: ReadonlyMap<string, readonly string[]>,
  jobs: number,
  run: (name: string) => Promise<T>,
): Promise<Map<string, T>> {
  const selected = new Set(nodes);
  const done = new Map<string, T>();
  const started = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | undefined;
  return new Promise((resolve, reject) => {
    const ready = (name: string) => (upstream.get(name) ?? []).every((u) => !selected.has(u) || done.has(u));
    const pump = (): void => {
      for (const name of nodes) {
        if (failure !== undefined || running >= jobs) break;
        if (started.has(name) || !ready(name)) continue;
        started.add(name);
        running += 1;
        run(name).then(
          (result) => finish(() => done.set(name, result)),
          (error: unknown) => finish(() => (failure ??= { error })),
        );
      }
      if (running > 0) return;
      if (failure !== undefined) reject(failure.error);
      else resolve(done);
    };
    const finish = (record: () => void) => {
      running -= 1;
      record();
      pump();
    };
    pump();
  });
}
