// Types for prerequisites.mjs, which the unit tests import.
export interface Probes {
  command(name: string): boolean;
  file(path: string): boolean;
}
export interface Prerequisite {
  readonly debianPackage: string;
  readonly what: string;
  present(has: Probes): boolean;
}
export declare const BUILD_PREREQUISITES: readonly Prerequisite[];
export declare function missingBuildPrerequisites(has?: Probes): Prerequisite[];
export declare function prerequisitesMessage(missing: readonly Prerequisite[]): string | null;
