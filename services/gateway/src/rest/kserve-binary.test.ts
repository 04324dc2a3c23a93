import { Buffer } from 'node:buffer';
import { StatusCode } from '@demux/core';
import { describe, expect, it } from 'vitest';
import { BinaryInputs, binaryInferBody, splitInferBody } from './kserve-binary.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });
const body = Uint8Array.from([..."{}"].map((c) => c.charCodeAt(0)).concat([1, 2, 3]));

describe('splitInferBody', () => {
  it('splits the JSON header from the binary data at Inference-Header-Content-Length', () => {
    const { header, binary } = splitInferBody(body, '2');
    expect([...header]).toEqual([123, 125]);
    expect([...binary]).toEqual([1, 2, 3]);
  });

  it('hands out plain Uint8Array views of a Buffer body, whose slice() copies', () => {
    const { binary } = splitInferBody(Buffer.from(body), '2');
    expect(binary.constructor).toBe(Uint8Array);
    expect(binary.slice().buffer).not.toBe(binary.buffer);
  });

  it('reads the whole body as JSON without the header', () => {
    expect(splitInferBody(body, undefined)).toEqual({ header: body, binary: new Uint8Array(0) });
  });

  it('refuses a header length that is no byte count or runs past the body', () => {
    expect(() => splitInferBody(body, 'ten')).toThrow(invalidArgument('Inference-Header-Content-Length must be a byte count, got "ten"'));
    expect(() => splitInferBody(body, '-1')).toThrow(invalidArgument('Inference-Header-Content-Length must be a byte count, got "-1"'));
    expect(() => splitInferBody(body, '6')).toThrow(invalidArgument('Inference-Header-Content-Length is 6, longer than the 5-byte body'));
  });
});

describe('BinaryInputs', () => {
  it('hands out the bytes in order, as views', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5);
    const inputs = new BinaryInputs(data);
    const first = inputs.take('a', 2);
    expect([...first, ...inputs.take('b', 3)]).toEqual([1, 2, 3, 4, 5]);
    expect(first.buffer).toBe(data.buffer);
    expect(() => inputs.finish()).not.toThrow();
  });

  it('refuses sizes that claim more than the body holds, or leave bytes over', () => {
    const inputs = new BinaryInputs(new Uint8Array(4));
    expect(() => inputs.take('a', 5)).toThrow(invalidArgument('input "a": binary_data_size is 5, but only 4 bytes of binary data remain in the body'));
    inputs.take('a', 3);
    expect(() => inputs.finish()).toThrow(invalidArgument("1 bytes of binary data follow the inputs' binary_data_size; the sizes must add up to the body"));
  });
});

describe('binaryInferBody', () => {
  it('puts the outputs after the JSON header and counts the header in bytes, not characters', () => {
    const { body: framed, headerLength } = binaryInferBody('{"é":1}', [Uint8Array.of(9), Uint8Array.of(8, 7)]);
    expect(headerLength).toBe(8);
    expect(framed.subarray(0, headerLength).toString('utf8')).toBe('{"é":1}');
    expect([...framed.subarray(headerLength)]).toEqual([9, 8, 7]);
  });
});
