import { StatusCode } from '@demux/core';
import { describe, expect, it } from 'vitest';
import { endpointOf } from './model-ref.js';

describe('endpointOf', () => {
  it('reads "" and "0" as the default version and digits as that version', () => {
    expect(endpointOf('dummy', '')).toEqual({ name: 'dummy', version: undefined });
    expect(endpointOf('dummy', '0')).toEqual({ name: 'dummy', version: undefined });
    expect(endpointOf('dummy', '3')).toEqual({ name: 'dummy', version: 3 });
    expect(endpointOf('dummy', '007')).toEqual({ name: 'dummy', version: 7 });
  });

  it.each(['v1', '1.5', '-1', ' 1', '1e3', '99999999999999999999'])('rejects the version "%s" with INVALID_ARGUMENT', (version) => {
    expect(() => endpointOf('dummy', version)).toThrow(
      expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message: `model dummy: version must be a non-negative integer, got "${version}"` }),
    );
  });

  it('requires a name', () => {
    expect(() => endpointOf('', '1')).toThrow(expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT }));
  });
});
