import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { modelKey, type ModelRef } from './job-transport.js';

interface Announcement {
  id: string;
  /** Servers by modelKey(); empty when the transport serves nothing any more. */
  models: Record<string, number>;
}

/**
 * Which workers are alive and what they serve, over core NATS: every transport that serves
 * jobs announces how many servers it runs per model version at an interval; every transport
 * listens. A transport unheard of for three intervals counts as gone; a server that stops says
 * so at once.
 */
export class Presence {
  readonly #served = new Map<string, number>();
  readonly #seen = new Map<string, { models: Map<string, number>; at: number }>();
  readonly #subscription: Subscription;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly id: string,
    private readonly intervalMs: number,
  ) {
    this.#subscription = nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const { id: worker, models } = msg.json<Announcement>();
          const served = new Map(Object.entries(models).filter(([, count]) => Number.isInteger(count) && count > 0));
          if (served.size === 0) this.#seen.delete(worker);
          else this.#seen.set(worker, { models: served, at: Date.now() });
        } catch {
          // Not an announcement: ignore it.
        }
      },
    });
  }

  /** Starts announcing a served model version (counted: two servers of one version need two removes). */
  add(target: ModelRef): void {
    const key = modelKey(target);
    this.#served.set(key, (this.#served.get(key) ?? 0) + 1);
    this.#announce();
    this.#timer ??= setInterval(() => this.#announce(), this.intervalMs);
  }

  remove(target: ModelRef): void {
    const key = modelKey(target);
    const count = (this.#served.get(key) ?? 1) - 1;
    if (count > 0) this.#served.set(key, count);
    else this.#served.delete(key);
    this.#announce();
    if (this.#served.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Servers of the model version, among the transports heard from lately. */
  live(target: ModelRef): number {
    const key = modelKey(target);
    const since = Date.now() - 3 * this.intervalMs;
    let count = 0;
    for (const { models, at } of this.#seen.values()) if (at >= since) count += models.get(key) ?? 0;
    return count;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#subscription.unsubscribe();
  }

  #announce(): void {
    if (this.nc.isClosed()) return;
    const announcement: Announcement = { id: this.id, models: Object.fromEntries(this.#served) };
    this.nc.publish(this.subject, JSON.stringify(announcement));
  }
}
