import type { EndpointMetadata, SchedulerApi } from '@demux/core';

interface Cached {
  metadata: Promise<EndpointMetadata>;
  expiresAt: number;
}

/**
 * Endpoint metadata as the scheduler reports it, kept for a short while: every request is
 * checked against it, and asking the scheduler each time would double the round trips.
 */
export class EndpointCatalog {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly scheduler: SchedulerApi,
    private readonly ttlMs: number,
  ) {}

  metadata(name: string, version?: number): Promise<EndpointMetadata> {
    const key = `${name}\u0000${version ?? ''}`;
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt > now) return cached.metadata;
    const metadata = this.scheduler.metadata(name, version);
    this.#cache.set(key, { metadata, expiresAt: now + this.ttlMs });
    // A failure (unknown model, scheduler down) is not remembered.
    metadata.catch(() => this.#cache.delete(key));
    return metadata;
  }
}
