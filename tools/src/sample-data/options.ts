import { parseArgs } from 'node:util';
import type { SampleDataOptions } from './sample-data.js';

export const SAMPLE_DATA_USAGE = `usage: pnpm sample-data [--out_dir DIR] [--model PATH] [--count N]

Writes imgs.npy (NCHW float32 images of 0..255 pixels) and lbs.npy (int64 labels: the classes
the model gives them) for pnpm client.
  --out_dir  directory to write into (default: .)
  --model    ONNX classifier that labels the images (default: models/resnet/1/model.onnx)
  --count    number of images (default: 10)`;

/** Parses the command line; throws with a message for the user on anything it does not know. */
export function parseSampleDataOptions(args: readonly string[]): SampleDataOptions {
  const { values } = parseArgs({
    // pnpm passes the `--` of `pnpm sample-data -- --flag` through to the script in some versions.
    args: args[0] === '--' ? args.slice(1) : [...args],
    options: {
      out_dir: { type: 'string', default: '.' },
      model: { type: 'string', default: 'models/resnet/1/model.onnx' },
      count: { type: 'string', default: '10' },
    },
    strict: true,
    allowPositionals: false,
  });
  const count = Number(values.count);
  if (!/^\d+$/.test(values.count) || count < 1 || !Number.isSafeInteger(count)) {
    throw new Error(`argument --count: expected a positive integer, got '${values.count}'`);
  }
  return { outDir: values.out_dir, model: values.model, count };
}
