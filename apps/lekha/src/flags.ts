/** A command's `--name value`, `--name=value` and bare `--name` flags. */
export interface Flags {
  [name: string]: string | true;
}

export function parseFlags(args: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags[name] = inline;
    else if (args[i + 1] && !args[i + 1]!.startsWith('--')) flags[name] = args[++i]!;
    else flags[name] = true;
  }
  return flags;
}
