import type { status } from '@grpc/grpc-js';
import { expect } from 'vitest';

/** Expects a call to fail with a gRPC status, and with a message containing `message` if given. */
export function expectCode(promise: Promise<unknown>, code: status, message?: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ code, ...(message ? { details: expect.stringContaining(message) } : {}) }) as Promise<void>;
}
