// The workspace's environment file, loaded from disk and reloaded when it changes, so the
// key-policy and identity-policy checks know which keys exist and who uses which policy.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { documentRoleInEnvironment, type EnvironmentDocumentRole } from '../core/analysis/environment/environmentDocumentRole';
import { parseEnvironment } from '../core/environment/environmentLoader';
import type { Environment } from '../core/environment/environmentModel';
import { URI } from './fileUri';

interface Loaded {
  readonly mtimeMs: number;
  readonly environment?: Environment;
}

export interface DocumentEnvironment {
  readonly environment: Environment;
  readonly role?: EnvironmentDocumentRole;
}

export class WorkspaceEnvironment {
  private readonly loaded = new Map<string, Loaded>();

  /** `fixedFile`: the absolute environment file the client named, if any. */
  constructor(
    private readonly fixedFile: () => string | undefined,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  /** The environment that applies to a document, and the document's role in it. */
  forDocument(uri: string, settingFile: string): DocumentEnvironment | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const path = URI.path(uri);
    const file = this.environmentFileFor(path, settingFile);
    if (!file) return undefined;
    const environment = this.load(file);
    if (!environment) return undefined;
    return { environment, role: documentRoleInEnvironment(environment, relative(dirname(file), path)) };
  }

  private environmentFileFor(path: string, settingFile: string): string | undefined {
    const fixed = this.fixedFile();
    if (fixed) return fixed;
    if (isAbsolute(settingFile)) return settingFile;
    const folder = this.workspaceFolders()
      .filter((f) => path === f || path.startsWith(f.endsWith('/') ? f : f + '/'))
      .sort((a, b) => b.length - a.length)[0];
    return folder ? join(folder, settingFile) : undefined;
  }

  private load(file: string): Environment | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      this.loaded.delete(file);
      return undefined;
    }
    const cached = this.loaded.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.environment;
    let environment: Environment | undefined;
    try {
      const dir = dirname(file);
      environment = parseEnvironment(readFileSync(file, 'utf8'), { source: file, readFile: (ref) => readFileSync(resolve(dir, ref), 'utf8') }).environment;
    } catch {
      environment = undefined;
    }
    this.loaded.set(file, { mtimeMs, environment });
    return environment;
  }
}
