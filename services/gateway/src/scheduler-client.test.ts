import { describe, expect, it } from 'vitest';
import { schedulerTarget } from './scheduler-client.js';

describe('schedulerTarget', () => {
  it('keeps one address as it is', () => {
    expect(schedulerTarget('scheduler.demux.svc:9100')).toBe('scheduler.demux.svc:9100');
  });

  it('joins several ip:port into one balanced ipv4 target', () => {
    expect(schedulerTarget('127.0.0.1:9100, 127.0.0.1:9101')).toBe('ipv4:127.0.0.1:9100,127.0.0.1:9101');
  });

  it('refuses several host names, which grpc-js cannot balance in one target', () => {
    expect(() => schedulerTarget('a:9100,b:9100')).toThrow('--scheduler lists several schedulers as ip:port only');
  });
});
