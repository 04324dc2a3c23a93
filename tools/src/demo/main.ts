/**
 * The last step of OpenVINO Model Server's "Dynamic batch size with the demultiplexer" guide, on
 * Demux: start the stack with the guide's config, run the batch 1 and batch 8 clients at the same
 * time, print both outputs, stop the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const CONFIG = 'examples/resnet/config.json';
const PORT = '9000';

function node(script: string, args: string[], capture: boolean): ChildProcess {
  return spawn(process.execPath, [resolve(script), ...args], { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
}

function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

async function run(script: string, args: string[]): Promise<void> {
  const code = await finished(node(script, args, false));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
}

/** Runs the client, keeping its output to print whole once both are done, as the guide's b1.txt and b8.txt. */
async function client(batchSize: number): Promise<string> {
  const child = node(
    'tools/dist/client/main.js',
    ['--grpc_port', PORT, '--images_numpy_path', 'imgs.npy', '--labels_numpy_path', 'lbs.npy', '--input_name', '0',
      '--output_name', '1463', '--model_name', 'resnet50DAG', '--dag-batch-size-auto', '--transpose_input', 'False',
      '--batchsize', String(batchSize)],
    true,
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await finished(child);
  if (code !== 0) throw new Error(`the batch ${batchSize} client exited with ${code}:\n${output}`);
  return output;
}

function waitForServing(stack: ChildProcess): Promise<void> {
  return new Promise((ready, fail) => {
    let log = '';
    stack.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('stack started')) ready();
    });
    stack.once('exit', (code) => fail(new Error(`the stack exited with ${code} before serving:\n${log}`)));
  });
}

await run('tools/dist/models/main.js', ['--only', 'resnet', '--if_missing']);
if (!existsSync('imgs.npy') || !existsSync('lbs.npy')) await run('tools/dist/sample-data/main.js', []);

const stack = node('services/stack/dist/main.js', ['--config_path', CONFIG, '--port', PORT, '--rest_port', '8000'], true);
try {
  await waitForServing(stack);
  const [b1, b8] = await Promise.all([client(1), client(8)]);
  console.log(`cat b1.txt\n${b1}`);
  console.log(`cat b8.txt\n${b8}`);
} finally {
  stack.kill('SIGTERM');
  await finished(stack);
}
