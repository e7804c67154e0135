// The workspace's environment file, loaded with the policy files it names. Open documents
// count with their unsaved text, so an identity policy is checked against the key policy as
// it is being edited; the load is reused until the environment file, a named file on disk
// or an open named document changes.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { documentRoleInEnvironment, type EnvironmentDocumentRole } from '../core/analysis/environment/environmentDocumentRole';
import { parseEnvironmentFile } from '../node/environmentFile';
import type { Environment } from '../core/environment/environmentModel';
import { URI } from './fileUri';

/** The text and version of an open document at a file-system path, if it is open. */
export type OpenDocumentLookup = (path: string) => { readonly text: string; readonly version: number } | undefined;

interface Loaded {
  /** How each file it depends on looked when loaded: `open:VERSION` or `disk:MTIME` (or `missing`). */
  readonly signature: ReadonlyMap<string, string>;
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
    private readonly openDocument: OpenDocumentLookup,
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

  private stateOf(path: string): string {
    const open = this.openDocument(path);
    if (open) return `open:${open.version}`;
    try {
      return `disk:${statSync(path).mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private read(path: string): string {
    return this.openDocument(path)?.text ?? readFileSync(path, 'utf8');
  }

  private load(file: string): Environment | undefined {
    const cached = this.loaded.get(file);
    if (cached && [...cached.signature].every(([path, state]) => this.stateOf(path) === state)) return cached.environment;
    const signature = new Map<string, string>([[file, this.stateOf(file)]]);
    if (signature.get(file) === 'missing') {
      this.loaded.set(file, { signature });
      return undefined;
    }
    // The environment file reader every entry uses; each file it reads joins the cache signature.
    const environment = parseEnvironmentFile(file, (path) => {
      signature.set(path, this.stateOf(path));
      return this.read(path);
    }).environment;
    this.loaded.set(file, { signature, environment });
    return environment;
  }
}
