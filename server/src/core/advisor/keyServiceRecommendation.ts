// The recommendation: each answer either rules an option out (a requirement it cannot meet) or
// weighs for or against it. The option with no unmet requirement and the best weight wins, and
// every reason names the answer it comes from, so the user sees why.
import { OPTION_NAMES, type AdvisorAnswers, type KeyServiceOption } from './advisorQuestions';

export const ALL_OPTIONS: readonly KeyServiceOption[] = ['kms', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore', 'cloudHsm'];

export interface AdvisorReason {
  /** The question whose answer gives this reason. */
  readonly questionId: keyof AdvisorAnswers;
  /** `rulesOut`: the option cannot meet the requirement. `favours` / `disfavours`: a weight. */
  readonly effect: 'rulesOut' | 'favours' | 'disfavours';
  readonly options: readonly KeyServiceOption[];
  readonly text: string;
}

export interface OptionAssessment {
  readonly option: KeyServiceOption;
  readonly name: string;
  readonly ruledOutBy: readonly AdvisorReason[];
  readonly score: number;
}

export interface Recommendation {
  readonly recommended: KeyServiceOption;
  readonly name: string;
  /** True when no single option meets every requirement; `combination` then says what to pair. */
  readonly conflicting: boolean;
  readonly combination?: string;
  /** The options `combination` pairs, when it names them (their total is the cost to show). */
  readonly combinedOptions?: readonly KeyServiceOption[];
  /** The reasons that concern the recommended option, in question order. */
  readonly reasons: readonly AdvisorReason[];
  /** Every option with what rules it out, best first. */
  readonly assessments: readonly OptionAssessment[];
}

const WEIGHT = { favours: 1, disfavours: -1 } as const;

function reasonsFor(a: AdvisorAnswers): AdvisorReason[] {
  const r: AdvisorReason[] = [];
  const add = (questionId: keyof AdvisorAnswers, effect: AdvisorReason['effect'], options: KeyServiceOption[], text: string) =>
    r.push({ questionId, effect, options, text });

  if (a.fipsLevel === 'level3Dedicated') {
    add('fipsLevel', 'rulesOut', ['kms'], 'Level 3 on an HSM under your exclusive control: KMS HSMs are Level 3 validated but operated by AWS for many customers.');
    add('fipsLevel', 'favours', ['cloudHsm', 'kmsCloudHsmKeyStore'], 'CloudHSM HSMs are FIPS 140 Level 3 validated and administered by you alone.');
  } else if (a.fipsLevel === 'level3' || a.fipsLevel === 'level2') {
    add('fipsLevel', 'favours', ['kms'], `FIPS 140 ${a.fipsLevel === 'level3' ? 'Level 3' : 'Level 2'} is met by KMS itself: its HSMs are validated at Security Level 3.`);
  }
  if (a.tenancy === 'single') {
    add('tenancy', 'rulesOut', ['kms'], 'Single-tenant HSMs are required: KMS uses HSMs shared by many customers.');
    add('tenancy', 'favours', ['cloudHsm', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore'], 'CloudHSM clusters (and your own external key manager) are single-tenant.');
  }
  if (a.awsServices.length) {
    add('awsServices', 'rulesOut', ['cloudHsm'], `${a.awsServices.length} AWS service(s) must encrypt with these keys: AWS services integrate with KMS keys, not with CloudHSM directly.`);
    add('awsServices', 'favours', ['kms', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore'], 'Every KMS option (including custom key stores) works with the AWS services you chose.');
  }
  if (a.cryptoApis.length) {
    add('cryptoApis', 'rulesOut', ['kms', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore'], `Your applications call ${a.cryptoApis.join(', ')}: KMS offers only its own API; these standard APIs need CloudHSM's client SDK.`);
    add('cryptoApis', 'favours', ['cloudHsm'], 'CloudHSM provides PKCS #11, JCE, CNG/KSP and OpenSSL libraries.');
  }
  if (a.sslOffload) {
    add('sslOffload', 'rulesOut', ['kms', 'kmsCloudHsmKeyStore', 'kmsExternalKeyStore'], 'TLS offload needs the web server to call the HSM directly, which only CloudHSM supports.');
    add('sslOffload', 'favours', ['cloudHsm'], 'CloudHSM supports SSL/TLS offload for NGINX, Apache and IIS.');
  }
  if (a.keyCustody === 'ownHsmInAws') {
    add('keyCustody', 'rulesOut', ['kms'], 'You must hold the HSMs and their credentials: with standard KMS, AWS operates the HSMs.');
    add('keyCustody', 'favours', ['kmsCloudHsmKeyStore', 'cloudHsm'], 'With CloudHSM you own the HSM users and credentials; AWS cannot use your keys.');
  } else if (a.keyCustody === 'outsideAws') {
    add('keyCustody', 'rulesOut', ['kms', 'kmsCloudHsmKeyStore', 'cloudHsm'], 'Keys must never leave your own key manager: every AWS-hosted HSM option holds the material in AWS.');
    add('keyCustody', 'favours', ['kmsExternalKeyStore'], 'An external key store keeps the keys in your key manager; KMS asks it to encrypt and decrypt.');
  } else {
    add('keyCustody', 'favours', ['kms'], 'Control through key policies, grants and CloudTrail is enough: KMS gives that without running HSMs.');
  }
  if (a.workloads === 'hybrid') {
    add('workloads', 'favours', ['cloudHsm', 'kmsExternalKeyStore'], 'On-premises applications can reach a CloudHSM cluster over VPN or Direct Connect, and an external key store keeps one key manager for both worlds.');
    add('workloads', 'favours', ['kms'], 'KMS is also reachable from on premises through its public or PrivateLink endpoints.');
  }
  if (a.multiRegion) {
    add('multiRegion', 'rulesOut', ['kmsCloudHsmKeyStore', 'kmsExternalKeyStore'], 'Multi-Region keys are not supported in custom key stores.');
    add('multiRegion', 'favours', ['kms'], 'KMS multi-Region keys share key material across Regions.');
    add('multiRegion', 'disfavours', ['cloudHsm'], 'CloudHSM clusters are Regional: you copy backups to other Regions and keep them in step yourself.');
  }
  if (a.availability === 'aws') {
    add('availability', 'disfavours', ['cloudHsm', 'kmsCloudHsmKeyStore'], 'You would size and monitor the CloudHSM cluster yourself (at least two HSMs in different Availability Zones).');
    add('availability', 'disfavours', ['kmsExternalKeyStore'], 'You would run the external key manager and its proxy with the availability and latency KMS requires.');
    add('availability', 'favours', ['kms'], 'KMS is a managed, highly available Regional service.');
  }
  if (a.keys > 0 && a.keys < 100 && a.requestsPerMonth < 50_000_000) {
    add('keys', 'favours', ['kms'], `${a.keys} key(s) and ${a.requestsPerMonth.toLocaleString('en-US')} requests a month cost far less in KMS than a cluster of HSMs billed by the hour.`);
  }
  return r;
}

export function recommend(answers: AdvisorAnswers): Recommendation {
  const reasons = reasonsFor(answers);
  const assessments = ALL_OPTIONS.map((option): OptionAssessment => {
    const concerning = reasons.filter((r) => r.options.includes(option));
    const ruledOutBy = concerning.filter((r) => r.effect === 'rulesOut');
    const score = concerning.reduce((sum, r) => sum + (r.effect === 'rulesOut' ? 0 : WEIGHT[r.effect]), 0);
    return { option, name: OPTION_NAMES[option], ruledOutBy, score };
  }).sort((x, y) => x.ruledOutBy.length - y.ruledOutBy.length || y.score - x.score || ALL_OPTIONS.indexOf(x.option) - ALL_OPTIONS.indexOf(y.option));
  const best = assessments[0];
  const conflicting = best.ruledOutBy.length > 0;
  const combination = conflicting ? combinationAdvice(answers, assessments) : undefined;
  return {
    recommended: best.option,
    name: best.name,
    conflicting,
    combination: combination?.text,
    ...(combination?.options ? { combinedOptions: combination.options } : {}),
    reasons: reasons.filter((r) => r.options.includes(best.option)),
    assessments,
  };
}

const CLOUDHSM_ONLY_NEEDS: ReadonlySet<keyof AdvisorAnswers> = new Set(['cryptoApis', 'sslOffload']);

function combinationAdvice(a: AdvisorAnswers, assessments: readonly OptionAssessment[]): { text: string; options?: KeyServiceOption[] } {
  if ((a.cryptoApis.length || a.sslOffload) && a.awsServices.length) {
    // When plain KMS fails more than the CloudHSM-only needs (custody, tenancy, dedicated HSMs),
    // the AWS services' keys go in a key store on the same cluster.
    const kmsAlsoRuledOut = assessments.find((x) => x.option === 'kms')?.ruledOutBy.some((r) => !CLOUDHSM_ONLY_NEEDS.has(r.questionId));
    const kmsSide: KeyServiceOption = kmsAlsoRuledOut ? 'kmsCloudHsmKeyStore' : 'kms';
    return {
      text: `No single option meets every requirement: use CloudHSM directly for the applications that need standard APIs or TLS offload, and ${kmsSide === 'kms' ? 'a KMS key' : 'a KMS key in a CloudHSM custom key store backed by the same cluster'} for the AWS services.`,
      options: ['cloudHsm', kmsSide],
    };
  }
  if (a.keyCustody === 'outsideAws' && a.multiRegion) {
    return { text: 'No single option meets every requirement: an external key store keeps keys outside AWS but cannot hold multi-Region keys. Decide which requirement yields, or create one external-key-store key per Region.' };
  }
  return { text: 'No single option meets every requirement: the options below show what rules each one out, so you can decide which requirement yields.' };
}
