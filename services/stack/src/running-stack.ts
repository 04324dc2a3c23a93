export interface RunningStack {
  /** Stops taking requests, lets those in flight finish, then stops every service. */
  stop(): Promise<void>;
}
