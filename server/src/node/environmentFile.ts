// The one reader of an environment file: it resolves the file to an absolute path, reads the
// policy files it references relative to the environment file's own folder, and parses it with
// the core loader. The CLI (`check`, `simulate`, `serve`), the served engine and the language
// server all read through here, so a relative path or an unreadable file means the same
// everywhere. The language server passes a reader that prefers its open, unsaved documents.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EnvironmentError, parseEnvironment, type EnvironmentParseResult } from '../core/environment/environmentLoader';
import type { Environment } from '../core/environment/environmentModel';

/** Reads a file's text by absolute path; throws when it cannot. */
export type TextReader = (absolutePath: string) => string;

export const readFromDisk: TextReader = (path) => readFileSync(path, 'utf8');

export interface EnvironmentFileResult extends EnvironmentParseResult {
  /** The environment file's absolute path. */
  readonly file: string;
  /** True when the environment file itself could not be read (missing, unreadable). */
  readonly unreadable?: boolean;
}

/** Parses the environment file at `path` (relative to the working directory). Never throws. */
export function parseEnvironmentFile(path: string, read: TextReader = readFromDisk): EnvironmentFileResult {
  const file = resolve(path);
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return { file, unreadable: true, issues: [{ path: '', message: `Cannot read the environment file ${file}: ${code}` }] };
  }
  const base = dirname(file);
  return { file, ...parseEnvironment(text, { source: file, readFile: (reference) => read(resolve(base, reference)) }) };
}

/** Like parseEnvironmentFile, but throws: an Error when unreadable, an EnvironmentError listing its problems. */
export function readEnvironmentFile(path: string, read: TextReader = readFromDisk): Environment {
  const result = parseEnvironmentFile(path, read);
  if (result.environment) return result.environment;
  if (result.unreadable) throw new Error(result.issues[0]!.message);
  throw new EnvironmentError(result.issues, result.file);
}
