// The messages between the advisor webview and the extension, a discriminated union on `type`.
// Everything from the webview is checked on receipt: it is treated as untrusted input.
import type { AdvisorDefinition, AdvisorState } from '../../../server/src/core/advisor/decisionAdvisor';
import type { KeyServiceOption } from '../../../server/src/core/advisor/advisorQuestions';

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'update'; readonly answers: unknown; readonly prices: unknown }
  | { readonly type: 'createSetup'; readonly option: KeyServiceOption };

export type ToWebview =
  | { readonly type: 'init'; readonly definition: AdvisorDefinition; readonly state: AdvisorState }
  | { readonly type: 'state'; readonly state: AdvisorState }
  | { readonly type: 'setupResult'; readonly ok: boolean; readonly message: string };

const OPTIONS: readonly string[] = ['kms', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore', 'cloudHsm'];

export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'update':
      return { type: 'update', answers: m.answers, prices: m.prices };
    case 'createSetup':
      return typeof m.option === 'string' && OPTIONS.includes(m.option) ? { type: 'createSetup', option: m.option as KeyServiceOption } : undefined;
    default:
      return undefined;
  }
}
