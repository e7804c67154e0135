// The access diff in the editor: the `kmsPolicyStudio/accessDiff` request and a code lens at the
// top of a key policy under git ("Access diff vs HEAD: +N / −M"). The working copy is compared
// with `git show HEAD:<path>`, or two texts the client sends (Put Key Policy: the live policy and
// the edited one), with the document's environment (grants, IAM) when it has one.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeLensRefreshRequest, ErrorCodes, ResponseError, type CodeLens, type ServerCapabilities } from 'vscode-languageserver';
import { normalizePolicy } from '../core/access/policyDocument';
import { accessDiff, type AccessCheckOptions } from '../core/accessChecks/accessChecks';
import { accessDiffDocument, accessDiffLensTitle } from '../core/accessChecks/accessDiffText';
import { parseArn } from '../core/arn/awsArn';
import { findEnvironmentKey } from '../core/environment/scenarioBuilder';
import { replayKeyOfScenario } from '../core/cloudtrail/cloudTrailKeySelection';
import type { CloudTrailRecord } from '../core/cloudtrail/cloudTrailLogParser';
import { recentCallsLine, replayRecentCalls } from '../core/cloudtrail/recentCallsReplay';
import { parseKeyPolicy } from '../core/policy/keyPolicyParser';
import { AccessDiffRequest, type AccessDiffResult } from '../protocol';
import { addCodeLensSource } from './codeLensSources';
import { URI } from './fileUri';
import { gitHeadVersion } from './gitHeadVersion';
import { keyPolicySupport } from './keyPolicySupport';
import { runSafelyAsync } from './runSafely';
import { workspaceTrusted, type ServerContext } from './serverContext';
import { onRequest } from './typedMessages';
import { onWatchedFilesChanged } from './watchedFiles';

export const SHOW_ACCESS_DIFF_COMMAND = 'kmsPolicyStudio.showAccessDiff';

/** The files a commit, checkout or reset rewrites: `.git/HEAD`, `.git/index`, `.git/packed-refs`, `.git/refs/...`. */
const GIT_STATE_FILE = /\/\.git\/(HEAD|index|packed-refs|refs\/.*)$/;

function noDiff(status: Exclude<AccessDiffResult['status'], 'compared'>, reason: string, title: string): AccessDiffResult {
  return { status, reason, lines: [], title, text: `No access diff: ${reason}.\n` };
}

/** The policy document in a text, or why it is not one yet. */
function policyOf(text: string): { document: unknown } | { problem: string } {
  const model = parseKeyPolicy(text);
  if (model.syntaxProblems.length) return { problem: 'it is not valid JSON' };
  const problems = normalizePolicy(model.value).problems;
  return problems.length ? { problem: problems[0]! } : { document: model.value };
}

export function registerAccessDiffFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  const { connection, documents } = ctx;
  /** The last lens result per document, reused while neither the text nor HEAD's changes. */
  const lensCache = new Map<string, { key: string; result: AccessDiffResult }>();

  const optionsFor = async (uri: string | undefined, keyArn: string | undefined): Promise<AccessCheckOptions> => {
    const document = uri ? (documents.get(uri) ?? TextDocument.create(uri, 'json', 0, '')) : undefined;
    const { environment, environmentKey } = document ? await support.completionOptions(document) : {};
    const arn = keyArn ? parseArn(keyArn) : undefined;
    const key = keyArn && environment ? (findEnvironmentKey(environment, keyArn, undefined, arn?.region || environment.defaultRegion) ?? undefined) : environmentKey;
    return { environment, key, ...(!key && arn?.account ? { keyAccount: arn.account } : {}) };
  };

  const compare = (referenceText: string, candidateText: string, options: AccessCheckOptions, names: [string, string], against: string): AccessDiffResult => {
    const reference = policyOf(referenceText);
    if ('problem' in reference) return noDiff('invalid', `${names[0]} is not a key policy (${reference.problem})`, `Access diff vs ${against}: ${names[0]} is not a key policy`);
    const candidate = policyOf(candidateText);
    if ('problem' in candidate) return noDiff('invalid', `${names[1]} is not a key policy yet (${candidate.problem})`, `Access diff vs ${against}: fix the policy first`);
    const diff = accessDiff(reference.document, candidate.document, options);
    return { status: 'compared', lines: diff.lines, title: accessDiffLensTitle(diff, against), text: accessDiffDocument(diff, names[0], names[1]) };
  };

  const againstHead = async (uri: string, candidateText: string | undefined, cacheVersion?: number): Promise<AccessDiffResult> => {
    if (!workspaceTrusted(ctx)) return noDiff('untrusted', 'the workspace is not trusted, so git is not run in it', 'Access diff vs HEAD: trust the workspace to compare');
    if (!uri.startsWith('file:')) return noDiff('notUnderGit', 'the document is not a file on disk', 'Access diff: not under git');
    const path = URI.path(uri);
    const head = await gitHeadVersion(path);
    if ('notUnderGit' in head) return noDiff('notUnderGit', head.notUnderGit, 'Access diff: not under git');
    const text = candidateText ?? documents.get(uri)?.getText();
    if (text === undefined) return noDiff('invalid', 'the document is not open', 'Access diff vs HEAD: open the document');
    const cacheKey = cacheVersion === undefined ? undefined : `${cacheVersion}\n${head.text}`;
    const cached = lensCache.get(uri);
    if (cacheKey !== undefined && cached?.key === cacheKey) return cached.result;
    const name = path.split('/').pop() ?? 'the policy';
    const result = compare(head.text, text, await optionsFor(uri, undefined), [`${name} in HEAD`, `${name} (working copy)`], 'HEAD');
    if (cacheKey !== undefined) lensCache.set(uri, { key: cacheKey, result });
    return result;
  };

  /**
   * Put Key Policy on a key of the embedded engine: how many of the calls it recorded on the key
   * in the last 30 days the edited policy would refuse, first among the lines. Only when access
   * is taken away: otherwise no recorded call can be refused.
   */
  const withRecordedCalls = async (result: AccessDiffResult, keyArn: string, candidate: string): Promise<AccessDiffResult> => {
    if (result.status !== 'compared' || !result.lines.some((line) => line.startsWith('-'))) return result;
    const recorded = await ctx.recordedKeyCalls?.(keyArn);
    if (!recorded) return result;
    const policy = { document: JSON.parse(candidate) as unknown, text: candidate, source: 'your edited policy' };
    const report = replayRecentCalls(recorded.events as Iterable<CloudTrailRecord>, replayKeyOfScenario(recorded.scenario, policy), recorded.environment, recorded.now);
    if (!report) return result;
    const line = recentCallsLine(report);
    return { ...result, lines: [line, ...result.lines], text: `${result.text}\nRecorded calls (the engine's CloudTrail events, replayed as kms-policy replay does):\n${line}\n` };
  };

  onRequest(connection, AccessDiffRequest, (params, token) =>
    runSafelyAsync<AccessDiffResult | ResponseError<void>>(connection, token, AccessDiffRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'The access diff failed; see the server log'), async () => {
      const { uri, reference, candidate, keyArn } = params ?? {};
      if (typeof reference === 'string' || typeof candidate === 'string') {
        if (typeof reference !== 'string' || typeof candidate !== 'string') return new ResponseError<void>(ErrorCodes.InvalidParams, 'give both reference and candidate (the old and the new policy text), or uri alone');
        const label = keyArn ? `the policy of ${keyArn}` : 'the current policy';
        const result = compare(reference, candidate, await optionsFor(uri, keyArn), [label, 'your edited policy'], 'the key');
        return keyArn ? withRecordedCalls(result, keyArn, candidate) : result;
      }
      if (typeof uri !== 'string' || !uri) return new ResponseError<void>(ErrorCodes.InvalidParams, 'uri: give the key-policy document to compare with HEAD');
      return againstHead(uri, undefined);
    }),
  );

  /** Files of the workspace's folders: a live key policy in the extension's storage is never under git, so it gets no lens. */
  const inWorkspace = (uri: string): boolean => {
    const path = URI.path(uri);
    return (ctx.workspaceFolders ?? []).some((folder) => path.startsWith(folder.endsWith('/') ? folder : folder + '/'));
  };

  addCodeLensSource(ctx, async (document): Promise<CodeLens[]> => {
    if (!document.uri.startsWith('file:') || !workspaceTrusted(ctx) || !inWorkspace(document.uri) || !(await support.isKeyPolicy(document))) return [];
    const result = await againstHead(document.uri, document.getText(), document.version);
    const at = document.positionAt(Math.max(0, document.getText().indexOf('{')));
    return [
      {
        range: { start: at, end: at },
        command: { title: result.title, command: SHOW_ACCESS_DIFF_COMMAND, arguments: [document.uri], ...(result.reason ? { tooltip: result.reason } : {}) },
      },
    ];
  });
  documents.onDidClose((e) => lensCache.delete(e.document.uri));

  // A commit, checkout or reset moves HEAD without touching the document: the client watches
  // the repositories' HEAD, index and refs, and the lenses are asked for again.
  onWatchedFilesChanged(ctx, (changes) => {
    if (!changes.some((change) => GIT_STATE_FILE.test(change.uri))) return;
    if (ctx.clientCapabilities?.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
  });

  return { codeLensProvider: { resolveProvider: false } };
}
