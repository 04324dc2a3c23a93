/** One dimension of a configured shape: a size, -1 for any size, or an inclusive range. */
export type ShapeDimension = number | { min: number; max: number };

/**
 * OVMS's `shape` setting: "auto" (follow whatever the request sends) or a tuple such as
 * "(1,3,224,224)", "(-1,3,224,224)" or "(1,3,200:300,200:300)", as OVMS's `Shape::fromString`
 * reads it.
 */
export type ShapeSetting = 'auto' | ShapeDimension[];

/** Parses a `shape` string; undefined when it is not one. */
export function parseShapeSetting(text: string): ShapeSetting | undefined {
  const trimmed = text.trim();
  if (trimmed === 'auto') return 'auto';
  const tuple = /^\((.*)\)$/.exec(trimmed);
  if (!tuple) return undefined;
  const dims: ShapeDimension[] = [];
  for (const token of (tuple[1] ?? '').split(',')) {
    const dim = parseDimension(token.trim());
    if (dim === undefined) return undefined;
    dims.push(dim);
  }
  return dims;
}

function parseDimension(token: string): ShapeDimension | undefined {
  if (/^(-1|\d+)$/.test(token)) return safeInteger(token);
  const range = /^(\d+):(\d+)$/.exec(token);
  if (!range) return undefined;
  const min = safeInteger(range[1] ?? '');
  const max = safeInteger(range[2] ?? '');
  if (min === undefined || max === undefined || min >= max) return undefined;
  return { min, max };
}

function safeInteger(digits: string): number | undefined {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}
