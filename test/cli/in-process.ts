/**
 * The CLI in this process: `main(argv, io)` with captured output, for tests where a
 * subprocess adds nothing (a few subprocess tests keep the built bin, exit codes and signals
 * honest).
 */
import { main } from '../../src/cli.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io = {
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
    errIsTty: false,
    outIsTty: false,
  };
  const code = await main(['node', 'queuesim', ...args], io);
  return { code, out, err };
}
