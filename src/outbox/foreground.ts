/**
 * Requests a person is waiting on (a slash command, a button, a form). While any is being answered the
 * outbox holds off starting more background deliveries for a moment: a burst of commands is acknowledged
 * first, and its channels are set up right after.
 */
export class Foreground {
  private active = 0;
  private readonly waiters = new Set<() => void>();

  /** Marks a request begun; the function returned marks it answered (calling it again does nothing). */
  begin(): () => void {
    this.active++;
    let answered = false;
    return () => {
      if (answered) return;
      answered = true;
      this.active--;
      if (this.active === 0) for (const wake of [...this.waiters]) wake();
    };
  }

  get busy(): boolean {
    return this.active > 0;
  }

  /** Resolves once no request is being answered, or after maxWaitMs, so background work never starves. */
  quiet(maxWaitMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiters.add(wake);
    });
  }
}
