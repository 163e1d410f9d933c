/**
 * A background task asked for now and then (a sweep, a send): it runs at once when idle; asked
 * while running, it runs once more right after (what arrived during a run may have been missed by
 * it), however many times it was asked meanwhile. Never two runs at once; a failed run is reported
 * to `onError`, and the next request runs it again.
 */
export class CoalescingRunner {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs now, or right after the run in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** No run starts any more; resolves once the run in progress (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    await this.running;
  }
}
