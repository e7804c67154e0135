// The typed messages and settings shared by the extension client and the language server.
// Each message has a literal method name and says who sends it and when.
import type { Decision } from './core/access/scenario';
import type { SimulationResult } from './core/access/simulationResult';

// The simulation's result and trace, as the core evaluator defines them: the client reads these
// types, never a re-declaration of its own.
export type { MismatchReason, PolicyTrace, SimulationResult, SimulationTrace, StatementTrace, TraceRange } from './core/access/simulationResult';

/**
 * A custom request declared once, with the types of its params and result: the client sends it
 * with `sendRequest(client, Request, params)` and the server answers it with
 * `onRequest(connection, Request, handler)`, both typed from this one declaration. (A plain
 * descriptor rather than vscode-jsonrpc's RequestType: the client and the server bundle
 * different versions of vscode-jsonrpc, and this file holds types only.)
 */
export interface RequestDescriptor<P, R> {
  readonly method: string;
  /** Never set: it only carries the types. */
  readonly types?: { readonly params: P; readonly result: R };
}

/** A custom notification declared once, with the type of its params. */
export interface NotificationDescriptor<P> {
  readonly method: string;
  readonly types?: { readonly params: P };
}

const request = <P, R>(method: string): RequestDescriptor<P, R> => ({ method });
const notification = <P>(method: string): NotificationDescriptor<P> => ({ method });

export const LANGUAGE_ID = 'kms-key-policy';
export const SCENARIO_LANGUAGE_ID = 'kms-scenario';

/** Settings under `kmsPolicyStudio.*`, pulled by the server per resource. */
export interface KmsPolicyStudioSettings {
  /** Extra glob patterns of files treated as key policies. */
  readonly additionalKeyPolicyGlobs: readonly string[];
  /** Workspace-relative path of the environment file seeding the embedded engine and simulation. */
  readonly environmentFile: string;
  /** Rule codes whose diagnostics are not shown. */
  readonly disabledRules: readonly string[];
  /** Access checks run on key policies as they are edited and saved, reported as diagnostics with their witness. */
  readonly accessChecks: {
    /** Report principals outside the key's account and organization, or anonymous, who may use the key. */
    readonly noPublicAccess: boolean;
    /** KMS actions (or patterns such as `kms:Generate*`) that no principal may be granted. */
    readonly actionsNeverGranted: readonly string[];
  };
}

export const DEFAULT_SETTINGS: KmsPolicyStudioSettings = {
  additionalKeyPolicyGlobs: [],
  environmentFile: 'kms-environment.json',
  disabledRules: [],
  accessChecks: { noPublicAccess: false, actionsNeverGranted: [] },
};

/**
 * The environment variable of the language server process that carries the engine store's root
 * key (64 hex characters), set by the client when it spawns the server. Never an initialize
 * parameter: a message trace logs those. The server reads it once and removes it from its
 * environment.
 */
export const ENGINE_ROOT_KEY_ENV = 'KMS_POLICY_STUDIO_ENGINE_ROOT_KEY';

/** Sent by the client in `initialize`. Holds no secret: a message trace logs it whole. */
export interface ServerInitializationOptions {
  /** Folder where the embedded engine keeps its encrypted store. Absent: in memory only. */
  readonly engineStorePath?: string;
  /** Absolute path of the environment file, when the workspace has one. */
  readonly environmentFile?: string;
  /**
   * VS Code's `workspace.isTrusted`. Absent or false: the server reads nothing from the workspace
   * (no environment file, no policy file one names); the client restarts it once trust is granted.
   */
  readonly workspaceTrusted?: boolean;
  /**
   * Port of the loopback endpoint the server opens beside the editor bridge, so a terminal's
   * SDK or AWS CLI reaches the same engine (reported in engineInfo). Absent or 0: a free port;
   * null: no endpoint.
   */
  readonly engineHttpPort?: number | null;
}

/** An HTTP request as signed by the AWS SDK, forwarded verbatim. Body is base64. */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBase64: string;
}

export interface WireResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBase64: string;
}

/**
 * Client -> server, for every KMS call the extension makes against the embedded engine:
 * the `@aws-sdk/client-kms` request handler forwards the signed request here, and the
 * server runs it through the same wire protocol, SigV4 check and authorization as `serve`.
 */
export type KmsWireRequestParams = WireRequest;
export type KmsWireRequestResult = WireResponse;
export const KmsWireRequest = request<KmsWireRequestParams, KmsWireRequestResult>('kmsPolicyStudio/kmsRequest');

/** Client -> server: the embedded engine's endpoint identity, for building the KMS client. */
export const EngineInfoRequest = request<void, EngineInfoResult>('kmsPolicyStudio/engineInfo');
export interface EngineInfoResult {
  readonly accountId: string;
  readonly region: string;
  /** Principals the user can act as, each with an access key the engine accepts. */
  readonly principals: readonly { readonly arn: string; readonly accessKeyId: string; readonly secretAccessKey: string }[];
  /** The loopback endpoint, when the server started one (`http://127.0.0.1:PORT`). */
  readonly endpoint?: string;
  /** The endpoint's admin token (`Authorization: Bearer TOKEN` on `/_studio/` routes), new each start; never logged. */
  readonly endpointAdminToken?: string;
}

/**
 * Client -> server, after the embedded engine denied a Decrypt (or ReEncrypt): which key the
 * ciphertext names, so *Why?* can simulate the denied request. AWS's message does not say.
 */
export const CiphertextKeyRequest = request<CiphertextKeyParams, CiphertextKeyResult>('kmsPolicyStudio/ciphertextKey');
export interface CiphertextKeyParams {
  readonly ciphertextBase64: string;
  /** The Region the call went to (replicas of a multi-Region key share its id). */
  readonly region: string;
}
export interface CiphertextKeyResult {
  /** Undefined when the ciphertext is not one the embedded engine made. */
  readonly keyArn?: string;
}

/** Client -> server: evaluate a scenario (the format of `kms-policy simulate`). */
export const SimulateRequest = request<SimulateParams, SimulateResult>('kmsPolicyStudio/simulate');
export interface SimulateParams {
  /**
   * A scenario object; or a partial one (at least `request.principal` and `request.action`) that
   * the server completes from the environment file: the key named by `request.resource` (or
   * `request.keyIdAsGiven`), its key policy and grants, the caller's IAM and organization policies.
   */
  readonly scenario: unknown;
  /** The key policy to use is this open document (the trace then points into it). */
  readonly policyUri?: string;
  /** The scenario is this `*.kms-scenario.json` document (the trace then points into it); `scenario` may be omitted. */
  readonly scenarioUri?: string;
}
export interface SimulateResult {
  readonly decision: Decision;
  readonly error: string | null;
  readonly errorMessage?: string;
  /** Human-readable explanation, ready to show in a read-only document. */
  readonly explanation: string;
  /** The structured trace, as `kms-policy simulate --json` prints it. */
  readonly trace: SimulationResult['trace'];
  /** One sentence: the decision and what decided it. */
  readonly summary?: string;
  /** The path that allowed the request: `key-policy`, `key-policy-and-iam`, `grant`, `retiring-principal`, `iam`. */
  readonly allowedBy?: string | null;
  /** The whole result of `kms-policy simulate --json` (request, context, keyState, ...). */
  readonly result?: SimulationResult;
}

/** Client -> server: the principals of the environment and what each may do with a key, and through which path. */
export const WhoCanUseKeyRequest = request<WhoCanUseKeyParams, WhoCanUseKeyResult>('kmsPolicyStudio/whoCanUseKey');
export interface WhoCanUseKeyParams {
  /**
   * Key id, key ARN, alias name or alias ARN of a key of the environment (or of the embedded
   * engine); or `<template URI>#<LogicalId>` for a key of a CloudFormation template, answered
   * among the template's own principals (the template lens sends it).
   */
  readonly key: string;
  /** The actions to ask about; defaults to the key's data actions and the common administrative ones. */
  readonly actions?: readonly string[];
}
export interface WhoCanUseKeyCellResult {
  readonly action: string;
  readonly decision: Decision;
  /** `key policy`, `key policy + IAM`, `grant`, ... when allowed. */
  readonly via: string | null;
  readonly error: string | null;
  readonly note?: string;
  /** The encryption context the allow needs, when `note` says it is conditional on one. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly summary: string;
}
export interface WhoCanUseKeyResult {
  readonly keyArn: string;
  readonly actions: readonly string[];
  readonly rows: readonly { readonly principal: string; readonly name?: string; readonly external: boolean; readonly cells: readonly WhoCanUseKeyCellResult[] }[];
  /** The table as aligned text, ready for a read-only document. */
  readonly text: string;
}

/**
 * Client -> server, when the user starts Simulate access: what to offer in the pickers, from the
 * environment file (its principals and keys, the encryption contexts its grants require).
 */
export const SimulationChoicesRequest = request<void, SimulationChoicesResult>('kmsPolicyStudio/simulationChoices');
export interface SimulationChoicesResult {
  /** The environment file the choices come from; absent for the default environment. */
  readonly environmentFile?: string;
  readonly principals: readonly { readonly arn: string; readonly name?: string }[];
  readonly keys: readonly { readonly arn: string; readonly aliases: readonly string[]; readonly description?: string; readonly state: string }[];
  /** Encryption contexts worth trying: those the environment's grants require. */
  readonly encryptionContexts: readonly Readonly<Record<string, string>>[];
}

/** Server -> client notification: the embedded engine's keys changed (refresh the explorer). */
export const EngineChangedNotification = notification<void>('kmsPolicyStudio/engineChanged');

/**
 * Client -> server: moves the embedded engine's clock forward (never back), to watch a
 * scheduled deletion, a rotation or an import expiry happen. Answers the engine's new time.
 */
export const AdvanceEngineClockRequest = request<AdvanceEngineClockParams, AdvanceEngineClockResult>('kmsPolicyStudio/advanceEngineClock');
export interface AdvanceEngineClockParams {
  /** A duration such as `30d`, `12h`, `90m`, `10s` or `5000ms`; or use `to`. */
  readonly advance?: string;
  /** An ISO 8601 instant to move to; it must not be before the engine's current time. */
  readonly to?: string;
}
/** Client -> server: the embedded engine's time (it may be ahead of real time); changes nothing. */
export const EngineClockRequest = request<void, AdvanceEngineClockResult>('kmsPolicyStudio/engineClock');

export interface AdvanceEngineClockResult {
  /** The engine's time after the move, ISO 8601. */
  readonly now: string;
  /** How far the engine's clock is ahead of real time, in milliseconds. */
  readonly offsetMs: number;
}

/**
 * Client -> server: what a key-policy change grants and takes away, in words. Sent for the
 * "Access diff vs HEAD" code lens's command with `uri` alone (the document against
 * `git show HEAD:<path>`), and by Put Key Policy before its confirmation with `reference` and
 * `candidate` (the key's live policy and the edited one). Never fails for want of git: the
 * result's `status` says why there is no diff.
 */
export const AccessDiffRequest = request<AccessDiffParams, AccessDiffResult>('kmsPolicyStudio/accessDiff');
export interface AccessDiffParams {
  /** The key-policy document; its environment (grants, IAM) applies. Alone: compared with HEAD. */
  readonly uri?: string;
  /** The old policy's text; with `candidate`, compared instead of HEAD. */
  readonly reference?: string;
  /** The new policy's text. */
  readonly candidate?: string;
  /** The key the policy is for: its account, and its grants when the environment declares it. */
  readonly keyArn?: string;
}
export interface AccessDiffResult {
  /** `compared`; or why not: not under git (no repository, untracked, no HEAD), untrusted workspace, a policy that does not parse. */
  readonly status: 'compared' | 'notUnderGit' | 'untrusted' | 'invalid';
  /** Why there is no diff, when `status` is not `compared`. */
  readonly reason?: string;
  /** `+ ... may now ...` and `- ... may no longer ...`, one per principal and action class. */
  readonly lines: readonly string[];
  /** The code lens title, e.g. `Access diff vs HEAD: +1 / −0`. */
  readonly title: string;
  /** The diff as a read-only document. */
  readonly text: string;
}
