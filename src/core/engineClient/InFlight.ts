/** The one run of something in progress (a load, an unload, a process start): later callers wait
 *  for it; it is forgotten once settled, unless a newer run replaced it. */
export class InFlight<T> {
  private run?: Promise<T>;

  get current(): Promise<T> | undefined {
    return this.run;
  }

  track(run: Promise<T>): Promise<T> {
    this.run = run;
    const clear = () => {
      if (this.run === run) this.run = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}
