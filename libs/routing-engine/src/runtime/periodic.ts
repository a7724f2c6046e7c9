// A task run every `everyMs`, never overlapping itself; `stop` waits for a run in progress.
export interface Periodic {
  stop(): Promise<void>;
}

export function periodic(
  everyMs: number,
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Periodic {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
