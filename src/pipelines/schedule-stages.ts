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
  const waiting = [...nodes];
  let running = 0;
  let failure: { error: unknown } | undefined;
  const ready = (name: string) => (upstream.get(name) ?? []).every((u) => !selected.has(u) || done.has(u));
  return new Promise((resolve, reject) => {
    const start = (name: string) => {
      waiting.splice(waiting.indexOf(name), 1);
      running += 1;
      run(name).then(
        (result) => settle(() => done.set(name, result)),
        (error: unknown) => settle(() => (failure ??= { error })),
      );
    };
    const settle = (record: () => void) => {
      running -= 1;
      record();
      pump();
    };
    const pump = (): void => {
      while (failure === undefined && running < jobs) {
        const next = waiting.find(ready);
        if (next === undefined) break;
        start(next);
      }
      if (running > 0) return;
      if (failure === undefined) resolve(done);
      else reject(failure.error);
    };
    pump();
  });
}
