// The key-policy language service: pure functions over a parsed policy, no connection.
// Parse once with `parse`, then pass the model to every feature (the LSP layer caches it
// per document version; the CLI parses each file once).
import { kmsCatalog, type KmsCatalog } from '../catalog/kmsCatalog';
import { parseKeyPolicy } from '../policy/keyPolicyParser';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { CompletionEntry, Finding, FindingFix, FoldingSpan, HoverResult, OffsetEdit, PolicySymbol } from './analysisTypes';
import { doComplete, type CompletionOptions } from './policyCompletion';
import { doHover } from './policyHover';
import { findDocumentSymbols, formatPolicy, getFoldingRanges, type FormattingOptions } from './policyOutline';
import { validateIdentityPolicy, validatePolicy, type ValidationOptions } from './policyValidation';
import type { Environment } from '../environment/environmentModel';

export interface CodeActionEntry {
  readonly title: string;
  readonly code: string;
  readonly edits: readonly OffsetEdit[];
  readonly isPreferred: boolean;
}

export interface KeyPolicyLanguageService {
  parse(text: string): PolicyModel;
  doValidation(model: PolicyModel, options?: ValidationOptions): Finding[];
  /** Checks an identity policy against the environment's keys (KMS_IDENTITY_ALLOW_INEFFECTIVE). */
  doIdentityPolicyValidation(model: PolicyModel, environment: Environment, principalAccounts: readonly string[], disabledRules?: readonly string[]): Finding[];
  doHover(model: PolicyModel, offset: number): HoverResult | undefined;
  /** `options`: the environment and this policy's key, when the workspace has them (principals, Regions, account). */
  doComplete(model: PolicyModel, offset: number, options?: CompletionOptions): CompletionEntry[];
  /** The quick fixes of the findings that touch `range`. */
  getCodeActions(findings: readonly Finding[], range: SourceRange): CodeActionEntry[];
  findDocumentSymbols(model: PolicyModel): PolicySymbol[];
  getFoldingRanges(model: PolicyModel): FoldingSpan[];
  format(model: PolicyModel, range: SourceRange | undefined, options: FormattingOptions): OffsetEdit[];
}

function touches(a: SourceRange, b: SourceRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function fixesToActions(code: string, fixes: readonly FindingFix[]): CodeActionEntry[] {
  return fixes.map((f) => ({ title: f.title, code, edits: f.edits, isPreferred: !!f.isPreferred }));
}

export function createKeyPolicyLanguageService(catalog: KmsCatalog = kmsCatalog()): KeyPolicyLanguageService {
  return {
    parse: parseKeyPolicy,
    doValidation: (model, options) => validatePolicy(model, catalog, options),
    doIdentityPolicyValidation: (model, environment, principalAccounts, disabledRules) => validateIdentityPolicy(model, catalog, environment, principalAccounts, disabledRules),
    doHover: (model, offset) => doHover(model, offset, catalog),
    doComplete: (model, offset, options) => doComplete(model, offset, catalog, options),
    getCodeActions: (findings, range) => findings.filter((f) => f.fixes && touches(f.range, range)).flatMap((f) => fixesToActions(f.code, f.fixes!)),
    findDocumentSymbols,
    getFoldingRanges,
    format: formatPolicy,
  };
}
