/**
 * The header dictionary of a .npy file: a Python literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (10, 3, 224, 224), }`.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * Spaces NumPy leaves after the dictionary for the digits a growing first dimension may need
 * (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS), so that a writer can rewrite the header in place.
 * Writing them too keeps our files byte-identical to np.save's.
 */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** The dictionary as np.save writes it: keys sorted, shape as a Python tuple, growth spaces. */
export function formatHeaderDict(header: NpyHeader): string {
  const shape = formatShape(header.shape);
  const fortranOrder = header.fortranOrder ? 'True' : 'False';
  const dict = `{'descr': '${header.descr}', 'fortran_order': ${fortranOrder}, 'shape': ${shape}, }`;
  const firstDim = header.shape[0];
  return firstDim === undefined ? dict : dict + ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(firstDim).length);
}

/** A shape as NumPy prints it, a Python tuple: `(10, 3, 224, 224)`, `(10,)`, `()`. */
export function formatShape(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

type Literal = string | boolean | number[];

/**
 * Parses the dictionary. Like NumPy's reader, it accepts any key order, either quote style,
 * trailing commas and Python 2 long integers (`10L`), and requires exactly the three keys.
 */
export function parseHeaderDict(text: string): NpyHeader {
  const entries = new LiteralParser(text).dictionary();
  const keys = [...entries.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    const found = keys.join(', ') || 'none';
    throw new Error(`malformed .npy header: keys must be descr, fortran_order and shape, got ${found}`);
  }
  const descr = entries.get('descr');
  const fortranOrder = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (typeof descr !== 'string') {
    throw new Error(`malformed .npy header: descr must be a type string such as '<f4', got ${formatLiteral(descr)}`);
  }
  if (typeof fortranOrder !== 'boolean') {
    throw new Error(`malformed .npy header: fortran_order must be True or False, got ${formatLiteral(fortranOrder)}`);
  }
  if (!Array.isArray(shape)) {
    throw new Error(`malformed .npy header: shape must be a tuple, got ${formatLiteral(shape)}`);
  }
  return { descr, fortranOrder, shape };
}

function formatLiteral(value: Literal | undefined): string {
  return Array.isArray(value) ? formatShape(value) : JSON.stringify(value);
}

/** A recursive-descent reader for the subset of Python literals a .npy header uses. */
class LiteralParser {
  private position = 0;

  constructor(private readonly text: string) {}

  dictionary(): Map<string, Literal> {
    const entries = new Map<string, Literal>();
    this.expect('{');
    while (!this.accept('}')) {
      const key = this.string();
      this.expect(':');
      entries.set(key, this.value());
      if (!this.accept(',')) {
        this.expect('}');
        break;
      }
    }
    this.skipSpace();
    if (this.position !== this.text.length) {
      throw new Error(`malformed .npy header: unexpected text after the dictionary at offset ${this.position}`);
    }
    return entries;
  }

  private value(): Literal {
    this.skipSpace();
    const next = this.text[this.position];
    if (next === "'" || next === '"') return this.string();
    if (next === '(') return this.tuple();
    if (next === '[') {
      throw new Error('unsupported dtype in .npy header: structured dtypes (a list descr) are not supported');
    }
    for (const [word, value] of [['True', true], ['False', false]] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    return this.fail('a string, True, False or a tuple');
  }

  private tuple(): number[] {
    const items: number[] = [];
    this.expect('(');
    while (!this.accept(')')) {
      items.push(this.integer());
      if (!this.accept(',')) {
        this.expect(')');
        break;
      }
    }
    return items;
  }

  private integer(): number {
    this.skipSpace();
    const match = /^(\d+)L?/.exec(this.text.slice(this.position));
    if (!match) return this.fail('a non-negative integer');
    const value = Number(match[1]);
    if (!Number.isSafeInteger(value)) this.fail(`a dimension below 2^53, not ${match[1]}`);
    this.position += match[0].length;
    return value;
  }

  private string(): string {
    this.skipSpace();
    const quote = this.text[this.position];
    if (quote !== "'" && quote !== '"') return this.fail('a quoted string');
    const end = this.text.indexOf(quote, this.position + 1);
    if (end < 0) return this.fail('a closing quote');
    const value = this.text.slice(this.position + 1, end);
    this.position = end + 1;
    return value;
  }

  private accept(token: string): boolean {
    this.skipSpace();
    if (this.text[this.position] !== token) return false;
    this.position++;
    return true;
  }

  private expect(token: string): void {
    if (!this.accept(token)) this.fail(`'${token}'`);
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
  }

  private fail(expected: string): never {
    const found = this.position < this.text.length ? `'${this.text[this.position]}'` : 'the end';
    const where = `at offset ${this.position}, found ${found} in ${this.text.trim()}`;
    throw new Error(`malformed .npy header: expected ${expected} ${where}`);
  }
}
