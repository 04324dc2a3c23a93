/** The typed array that holds each element type, keyed by NumPy's dtype names. */
export interface NpyElementArrays {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float32: Float32Array;
  float64: Float64Array;
}

export type NpyDType = keyof NpyElementArrays;

/** An n-dimensional array in C order; `data` holds the elements in the host's (little-endian) order. */
export type NpyArray = {
  [D in NpyDType]: { dtype: D; shape: number[]; data: NpyElementArrays[D] };
}[NpyDType];

interface ElementType<D extends NpyDType> {
  /** NumPy's kind character: b(ool), i(nt), u(nsigned), f(loat). */
  kind: 'b' | 'i' | 'u' | 'f';
  size: number;
  view(buffer: ArrayBuffer): NpyElementArrays[D];
}

const ELEMENT_TYPES: { [D in NpyDType]: ElementType<D> } = {
  bool: { kind: 'b', size: 1, view: (buffer) => new Uint8Array(buffer) },
  int8: { kind: 'i', size: 1, view: (buffer) => new Int8Array(buffer) },
  int16: { kind: 'i', size: 2, view: (buffer) => new Int16Array(buffer) },
  int32: { kind: 'i', size: 4, view: (buffer) => new Int32Array(buffer) },
  int64: { kind: 'i', size: 8, view: (buffer) => new BigInt64Array(buffer) },
  uint8: { kind: 'u', size: 1, view: (buffer) => new Uint8Array(buffer) },
  uint16: { kind: 'u', size: 2, view: (buffer) => new Uint16Array(buffer) },
  uint32: { kind: 'u', size: 4, view: (buffer) => new Uint32Array(buffer) },
  uint64: { kind: 'u', size: 8, view: (buffer) => new BigUint64Array(buffer) },
  float32: { kind: 'f', size: 4, view: (buffer) => new Float32Array(buffer) },
  float64: { kind: 'f', size: 8, view: (buffer) => new Float64Array(buffer) },
};

const DTYPES = Object.keys(ELEMENT_TYPES) as NpyDType[];

export function elementSize(dtype: NpyDType): number {
  return ELEMENT_TYPES[dtype].size;
}

/** Elements over `buffer`, which must hold whole elements in little-endian order. */
export function viewElements(dtype: NpyDType, shape: number[], buffer: ArrayBuffer): NpyArray {
  return { dtype, shape, data: ELEMENT_TYPES[dtype].view(buffer) } as NpyArray;
}

/** NumPy's type string for an array it writes: little-endian, or '|' where byte order does not apply. */
export function descrOf(dtype: NpyDType): string {
  const { kind, size } = ELEMENT_TYPES[dtype];
  return `${size === 1 ? '|' : '<'}${kind}${size}`;
}

export interface ParsedDescr {
  dtype: NpyDType;
  bigEndian: boolean;
}

/**
 * The element type of a header's `descr`, e.g. '<f4', '|u1', '>i8'. '=' (native order) is read as
 * little-endian: NumPy never writes it into a file, and Demux only runs on little-endian hosts.
 */
export function parseDescr(descr: string): ParsedDescr {
  const match = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  const dtype =
    match && DTYPES.find((d) => ELEMENT_TYPES[d].kind === match[2] && ELEMENT_TYPES[d].size === Number(match[3]));
  if (!match || !dtype) {
    const supported = DTYPES.map(descrOf).join(', ');
    throw new Error(`unsupported dtype '${descr}'; supported: ${supported} (either byte order)`);
  }
  return { dtype, bigEndian: match[1] === '>' && ELEMENT_TYPES[dtype].size > 1 };
}
