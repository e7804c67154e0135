// What Simulate access in the editor decides against: the workspace's environment file (open,
// unsaved documents first, then the disk), or the default environment when there is none or the
// workspace is not trusted; and the documents a request names, read from the editor or the disk.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { JsonIssue } from '../core/access/jsonSchemaIssues';
import type { PolicyTrace, SimulationResult } from '../core/access/simulationResult';
import { defaultEnvironment, type Environment } from '../core/environment/environmentModel';
import { parseEnvironmentFile, readFromDisk } from '../node/environmentFile';
import { workspaceTrusted, type ServerContext } from './serverContext';

export function toFsPath(uriOrPath: string): string {
  return uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : uriOrPath;
}

/** A request the client must correct: the message says what to give. */
export function invalid(message: string): ResponseError<void> {
  return new ResponseError<void>(ErrorCodes.InvalidParams, message);
}

export function issueList(issues: readonly JsonIssue[]): string {
  return issues.map((i) => `  ${i.message}`).join('\n');
}

/** A document's text: the editor's unsaved text when it is open, else the file on disk. */
export function documentText(ctx: ServerContext, uri: string): string {
  const open = ctx.documents.get(uri);
  if (open) return open.getText();
  try {
    return readFileSync(toFsPath(uri), 'utf8');
  } catch (error) {
    throw invalid(`cannot read ${uri}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The environment file's environment, or the default one when the workspace has none. */
export function loadSimulationEnvironment(ctx: ServerContext): { environment: Environment; file?: string } {
  const file = workspaceTrusted(ctx) ? ctx.initializationOptions.environmentFile : undefined;
  if (!file) return { environment: defaultEnvironment() };
  // Open, unsaved documents first, then the disk.
  const result = parseEnvironmentFile(file, (path) => ctx.documents.get(pathToFileURL(path).toString())?.getText() ?? readFromDisk(path));
  if (result.unreadable) return { environment: defaultEnvironment() };
  if (!result.environment) {
    throw invalid(`The environment file ${file} has problems:\n${result.issues.map((i) => `  ${i.message}${i.file ? ` (${i.file})` : ''}`).join('\n')}`);
  }
  return { environment: result.environment, file };
}

/** Trace sources written relative to the environment file become URIs the client can open. */
export function withSourceUris(result: SimulationResult, environmentFile?: string): SimulationResult {
  if (!environmentFile) return result;
  const base = dirname(environmentFile);
  const policies: PolicyTrace[] = result.trace.policies.map((p) =>
    p.source && !/^[a-z][\w+.-]*:/i.test(p.source) ? { ...p, source: pathToFileURL(isAbsolute(p.source) ? p.source : resolve(base, p.source)).toString() } : p,
  );
  return { ...result, trace: { ...result.trace, policies } };
}
