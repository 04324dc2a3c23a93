import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/**
 * Jobs given up on by their submitter (a cancelled client call), told to every worker over core
 * NATS, so a job still in the queue is dropped instead of run. A notice is kept until its job's
 * deadline, after which the job would be dropped anyway.
 */
export class Cancellations {
  readonly #until = new Map<string, number>();
  readonly #subscription: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
  ) {
    this.#subscription = nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return;
        const [job, deadline] = msg.string().split(' ');
        const deadlineMs = Number(deadline);
        if (job && Number.isFinite(deadlineMs)) this.#remember(job, deadlineMs);
      },
    });
  }

  /** Tells every worker that the job (named by its reply subject) needs no answer. */
  announce(job: string, deadlineMs: number): void {
    if (!this.nc.isClosed()) this.nc.publish(this.subject, `${job} ${deadlineMs}`);
  }

  has(job: string): boolean {
    return (this.#until.get(job) ?? 0) > Date.now();
  }

  close(): void {
    this.#subscription.unsubscribe();
  }

  #remember(job: string, deadlineMs: number): void {
    const now = Date.now();
    if (deadlineMs <= now) return;
    for (const [known, until] of this.#until) if (until <= now) this.#until.delete(known);
    this.#until.set(job, deadlineMs);
  }
}
