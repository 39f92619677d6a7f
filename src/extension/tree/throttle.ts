// Runs an action at most once per interval, however often it is asked for: the trailing call
// is never lost (the last request is always followed by a run). No `vscode` import.
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private lastRun = 0;

  constructor(
    private readonly action: () => void,
    private readonly intervalMs: number,
  ) {}

  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = Date.now();
      this.action();
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
