import type { FileHandle } from 'node:fs/promises';

import { DemuxError } from '../errors.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

export interface FieldTag {
  field: number;
  wireType: number;
}

const WINDOW_BYTES = 16 * 1024;

/**
 * Walks the fields of protobuf messages straight from a file. Reads go through a small window
 * and stepping over a length-delimited field only moves the position, so the large fields of a
 * message (an ONNX model's weights) are never read from disk.
 */
export class ProtobufFileReader {
  /** File offset of the next byte to read. */
  position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  /**
   * The fields of the message that ends at `end`. The caller consumes each field's value
   * (`bytes`, `varint`, `skip`) before asking for the next one.
   */
  async *fields(end: number): AsyncGenerator<FieldTag> {
    while (this.position < end) {
      const tag = await this.varint();
      yield { field: Math.floor(tag / 8), wireType: tag % 8 };
    }
    if (this.position !== end) throw malformed(`a field runs past its message's end at byte ${end}`);
  }

  async varint(): Promise<number> {
    await this.load(Math.min(10, this.size - this.position));
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.window[this.position - this.windowStart];
      if (byte === undefined) throw malformed('the file ends inside a varint');
      this.position++;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw malformed(`a varint at byte ${this.position - 10} is longer than 10 bytes`);
  }

  /** Reads a length-delimited field's length and returns the offset where its value ends. */
  async lengthEnd(): Promise<number> {
    const length = await this.varint();
    const end = this.position + length;
    if (end > this.size) {
      throw malformed(`a field of ${length} bytes at byte ${this.position} runs past the end of the file`);
    }
    return end;
  }

  /** A length-delimited field read as UTF-8 text, e.g. a name. */
  async string(): Promise<string> {
    const end = await this.lengthEnd();
    await this.load(end - this.position);
    const from = this.position - this.windowStart;
    this.position = end;
    return this.window.toString('utf8', from, end - this.windowStart);
  }

  /** Steps over the value of a field whose tag was just read. */
  async skip(wireType: number): Promise<void> {
    switch (wireType) {
      case WireType.VARINT:
        await this.varint();
        return;
      case WireType.I64:
        this.position += 8;
        return;
      case WireType.LEN:
        this.position = await this.lengthEnd();
        return;
      case WireType.I32:
        this.position += 4;
        return;
      default:
        throw malformed(`unsupported wire type ${wireType} at byte ${this.position}`);
    }
  }

  /** Makes the `length` bytes at `position` readable from the window. */
  private async load(length: number): Promise<void> {
    const offset = this.position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return;
    const want = Math.min(Math.max(length, WINDOW_BYTES), this.size - this.position);
    const buffer = Buffer.allocUnsafe(Math.max(want, 0));
    const { bytesRead } = await this.file.read(buffer, 0, buffer.length, this.position);
    if (bytesRead < length) throw malformed(`the file ends at byte ${this.position + bytesRead}, inside a field`);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = this.position;
  }
}

function malformed(reason: string): DemuxError {
  return DemuxError.invalidArgument(`malformed protobuf: ${reason}`);
}
