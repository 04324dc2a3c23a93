import { Buffer } from 'node:buffer';
import { DemuxError } from '@demux/core';

/**
 * KServe's binary tensor data extension (Triton's docs/protocol/extension_binary_data.md): the
 * body is the JSON header, `Inference-Header-Content-Length` bytes long, followed by the raw
 * little-endian bytes of every tensor whose `binary_data_size` parameter says so, in the order of
 * the tensors in the JSON.
 */
export const HEADER_LENGTH = 'inference-header-content-length';

/** An infer request body split into its JSON header and the binary tensor data after it. */
export interface InferBody {
  header: Uint8Array;
  binary: Uint8Array;
}

/** Splits a body at the header's length; without the header, the whole body is JSON. */
export function splitInferBody(body: Uint8Array, headerLength: string | string[] | undefined): InferBody {
  // A plain view, not the server's Buffer: the tensors cut from it travel on, and Buffer's
  // slice() shares memory where every other Uint8Array's copies.
  body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (headerLength === undefined) return { header: body, binary: body.subarray(body.length) };
  const text = String(headerLength);
  if (!/^\d+$/.test(text)) throw DemuxError.invalidArgument(`Inference-Header-Content-Length must be a byte count, got "${text}"`);
  const length = Number(text);
  if (length > body.length) {
    throw DemuxError.invalidArgument(`Inference-Header-Content-Length is ${length}, longer than the ${body.length}-byte body`);
  }
  return { header: body.subarray(0, length), binary: body.subarray(length) };
}

/** Hands out the binary data after the JSON header to the inputs that claim it, in order, without copying. */
export class BinaryInputs {
  #offset = 0;

  constructor(private readonly binary: Uint8Array) {}

  take(name: string, size: number): Uint8Array {
    const remaining = this.binary.length - this.#offset;
    if (size > remaining) {
      throw DemuxError.invalidArgument(`input "${name}": binary_data_size is ${size}, but only ${remaining} bytes of binary data remain in the body`);
    }
    const data = this.binary.subarray(this.#offset, this.#offset + size);
    this.#offset += size;
    return data;
  }

  /** Refuses bytes no input claimed: some binary_data_size is wrong, and guessing which would hide it. */
  finish(): void {
    const left = this.binary.length - this.#offset;
    if (left > 0) throw DemuxError.invalidArgument(`${left} bytes of binary data follow the inputs' binary_data_size; the sizes must add up to the body`);
  }
}

/** A response with binary outputs: the JSON header, then each binary output's bytes in the order of the outputs. */
export function binaryInferBody(header: string, outputs: readonly Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(header, 'utf8');
  return { body: Buffer.concat([json, ...outputs]), headerLength: json.length };
}
