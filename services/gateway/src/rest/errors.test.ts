import { DemuxError, StatusCode } from '@demux/core';
import { describe, expect, it } from 'vitest';
import { httpStatusOf, restError } from './errors.js';

describe('httpStatusOf', () => {
  it('answers each gRPC code a client can see with its HTTP status', () => {
    const codes = [
      StatusCode.INVALID_ARGUMENT,
      StatusCode.NOT_FOUND,
      StatusCode.RESOURCE_EXHAUSTED,
      StatusCode.DEADLINE_EXCEEDED,
      StatusCode.UNAVAILABLE,
      StatusCode.CANCELLED,
      StatusCode.INTERNAL,
      StatusCode.UNKNOWN,
    ];
    expect(codes.map(httpStatusOf)).toEqual([400, 404, 429, 504, 503, 499, 500, 500]);
  });
});

describe('restError', () => {
  it('gives a DemuxError its status and its message as {"error"}', () => {
    expect(restError(DemuxError.notFound('no model nope'))).toEqual({ status: 404, body: { error: 'no model nope' } });
  });

  it("keeps the 4xx status of the HTTP server's own errors", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(restError(tooLarge)).toEqual({ status: 413, body: { error: 'Request body is too large' } });
  });

  it('answers anything else as a bug, 500', () => {
    expect(restError(new TypeError('x is undefined'))).toEqual({ status: 500, body: { error: 'x is undefined' } });
    expect(restError(Object.assign(new Error('broken'), { statusCode: 502 }))).toEqual({ status: 500, body: { error: 'broken' } });
  });
});
