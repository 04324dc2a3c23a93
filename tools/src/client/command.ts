/**
 * The life of a command-line tool: --help prints its usage; a bad flag prints the synopsis (the
 * usage up to its first blank line) and the problem and exits 2, as Python's argparse does; any
 * failure after that prints the problem and exits 1; otherwise the exit status is what the run
 * returns.
 */
export async function runCommand<Options>(
  usage: string,
  parse: (args: readonly string[]) => Options,
  run: (options: Options, print: (line: string) => void) => Promise<number | void>,
): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(usage);
    return;
  }
  let options: Options;
  try {
    options = parse(args);
  } catch (error) {
    const synopsis = usage.split('\n\n')[0];
    console.error(`${synopsis}\nerror: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = (await run(options, (line) => console.log(line))) ?? 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
