const started = Date.now();
const isTty = process.stdout.isTTY;
const dim = (s: string) => (isTty ? `\u001b[2m${s}\u001b[0m` : s);
const bold = (s: string) => (isTty ? `\u001b[1m${s}\u001b[0m` : s);

/** One line per step with the elapsed time, so long work shows where it is. */
export function step(message: string): void {
  process.stdout.write(`${dim(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`)} ${message}\n`);
}
export { bold, dim };
