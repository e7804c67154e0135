// Reading a command's options, for every `kms-policy` command: node:util's parseArgs (strict,
// `--flag value` and `--flag=value`, `--` ends the options) instead of a hand-written loop per
// command. Its errors become UsageError (exit code 2) with the command's own wording.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad usage: the command prints the message and its usage, and exits with 2. */
export class UsageError extends Error {}

export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>>;

type Values<S extends OptionSpec> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['multiple'] extends true ? string[] : string;
};

export interface CommandLine<S extends OptionSpec> {
  readonly values: Values<S>;
  readonly positionals: string[];
}

/** The options and positionals of `args`, or 'help' when `--help`/`-h` is among the options. */
export function readCommandLine<S extends OptionSpec>(args: readonly string[], spec: S): CommandLine<S> | 'help' {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec)) options[name] = { type: option.type, ...(option.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(error, args));
  }
  if (parsed.values.help) return 'help';
  const values = { ...parsed.values } as Record<string, unknown>;
  delete values.help;
  return { values: values as Values<S>, positionals: parsed.positionals };
}

/** Splits a comma-separated option value (`--actions kms:Decrypt,kms:Encrypt`). */
export function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** `key=value` of `--encryption-context team=billing`. */
export function keyValuePair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} takes key=value, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** parseArgs's error codes, said as the commands have always said them. */
function usageMessage(error: unknown, args: readonly string[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1]?.replace(/^(--[^=\s]+).*/, '$1');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return flag ? `unknown option '${flag}'` : message;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const needsValue = flag !== undefined && args.some((a, i) => a === flag && (i === args.length - 1 || args[i + 1]!.startsWith('-')));
    return needsValue ? `${flag} needs a value` : `${flag ?? 'an option'}: ${message.replace(/^Option '[^']*' /, '')}`;
  }
  return message;
}
