// Estimated monthly cost of each option, from list prices the user can see and change.
// Defaults are AWS's published list prices in us-east-1 (https://aws.amazon.com/kms/pricing/,
// https://aws.amazon.com/cloudhsm/pricing/): $1 per KMS key per month, $0.03 per 10,000
// requests after 20,000 free requests a month, and about $1.45 per CloudHSM HSM-hour.
// Prices vary by Region and change over time, which is why every figure is editable.
// An external key manager has no AWS price: its default is an assumption, said as such.
import { OPTION_NAMES, type AdvisorAnswers, type KeyServiceOption } from './advisorQuestions';

export interface PriceAssumptions {
  /** USD per customer managed KMS key per month (also for keys in custom key stores). */
  readonly kmsKeyMonth: number;
  /** USD per 10,000 KMS requests. */
  readonly kmsPer10kRequests: number;
  /** KMS requests per month free of charge. */
  readonly kmsFreeRequests: number;
  /** USD per CloudHSM HSM per hour. */
  readonly hsmHour: number;
  /** HSMs in the cluster (a custom key store needs at least two, in different Availability Zones). */
  readonly hsmCount: number;
  /** Hours billed per month. */
  readonly hoursPerMonth: number;
  /** Your external key manager and its XKS proxy, per month (hardware, licences, operation). */
  readonly externalKeyManagerMonth: number;
}

/**
 * The external key manager's default: an assumption, not a price. At least two key manager
 * nodes (KMS needs the key store available and fast) and the XKS proxy, the hardware written off
 * over five years, with vendor support and a share of someone's time to run them: about
 * $3,000 a month, more than the two HSMs of a CloudHSM cluster at list price.
 */
export const EXTERNAL_KEY_MANAGER_NOTE =
  'The external key manager and its XKS proxy are your own infrastructure, not an AWS charge: the default is an assumption (two key manager nodes and the proxy, hardware over five years, support and operation). Enter what yours costs.';

export const DEFAULT_PRICES: PriceAssumptions = {
  kmsKeyMonth: 1,
  kmsPer10kRequests: 0.03,
  kmsFreeRequests: 20_000,
  hsmHour: 1.45,
  hsmCount: 2,
  hoursPerMonth: 730,
  externalKeyManagerMonth: 3000,
};

export const PRICE_LABELS: Readonly<Record<keyof PriceAssumptions, string>> = {
  kmsKeyMonth: 'KMS key, USD per month',
  kmsPer10kRequests: 'KMS requests, USD per 10,000',
  kmsFreeRequests: 'KMS free requests per month',
  hsmHour: 'CloudHSM, USD per HSM-hour',
  hsmCount: 'HSMs in the cluster',
  hoursPerMonth: 'Hours per month',
  externalKeyManagerMonth: 'External key manager and XKS proxy (your infrastructure), USD per month',
};

export interface CostLine {
  readonly label: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly option: KeyServiceOption;
  readonly monthlyUsd: number;
  readonly lines: readonly CostLine[];
  /** What the figure rests on beyond AWS's list prices. */
  readonly notes: readonly string[];
}

/** The cost of a recommendation that pairs options (CloudHSM for some applications, KMS for AWS services). */
export interface CombinedCostEstimate {
  readonly options: readonly KeyServiceOption[];
  readonly monthlyUsd: number;
  /** Each line names the option it belongs to. */
  readonly lines: readonly CostLine[];
  readonly notes: readonly string[];
}

/** Reads untrusted price edits, keeping defaults for anything not a finite, non-negative number. */
export function normalizePrices(input: unknown): PriceAssumptions {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const prices: Record<string, number> = { ...DEFAULT_PRICES };
  for (const key of Object.keys(DEFAULT_PRICES)) {
    const value = raw[key];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
    if (Number.isFinite(n) && n >= 0) prices[key] = n;
  }
  return prices as unknown as PriceAssumptions;
}

function kmsLines(a: AdvisorAnswers, p: PriceAssumptions): CostLine[] {
  const billable = Math.max(0, a.requestsPerMonth - p.kmsFreeRequests);
  return [
    { label: `${a.keys} key(s) × $${p.kmsKeyMonth}`, usd: a.keys * p.kmsKeyMonth },
    { label: `${billable.toLocaleString('en-US')} billable requests × $${p.kmsPer10kRequests} / 10,000`, usd: (billable / 10_000) * p.kmsPer10kRequests },
  ];
}

function hsmLine(p: PriceAssumptions, minimum: number): CostLine {
  const hsms = Math.max(minimum, Math.ceil(p.hsmCount));
  return { label: `${hsms} HSM(s) × ${p.hoursPerMonth} h × $${p.hsmHour}`, usd: hsms * p.hoursPerMonth * p.hsmHour };
}

export function estimateCost(option: KeyServiceOption, answers: AdvisorAnswers, prices: PriceAssumptions): CostEstimate {
  let lines: CostLine[];
  switch (option) {
    case 'kms':
      lines = kmsLines(answers, prices);
      break;
    case 'kmsCloudHsmKeyStore':
      lines = [...kmsLines(answers, prices), hsmLine(prices, 2)];
      break;
    case 'kmsExternalKeyStore':
      lines = [...kmsLines(answers, prices), { label: 'External key manager and XKS proxy (your infrastructure)', usd: prices.externalKeyManagerMonth }];
      break;
    case 'cloudHsm':
      // CloudHSM bills HSM-hours only: no per-key or per-request charge.
      lines = [hsmLine(prices, 1)];
      break;
  }
  const notes = option === 'kmsExternalKeyStore' ? [EXTERNAL_KEY_MANAGER_NOTE] : [];
  return { option, ...totalOf(lines), notes };
}

function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

function totalOf(lines: readonly CostLine[]): { monthlyUsd: number; lines: CostLine[] } {
  return { monthlyUsd: cents(lines.reduce((sum, l) => sum + l.usd, 0)), lines: lines.map((l) => ({ ...l, usd: cents(l.usd) })) };
}

/**
 * The total of options used together. The keys and requests are the KMS side's (the AWS services
 * use them); CloudHSM used directly next to a CloudHSM key store shares its cluster, so the HSMs
 * are counted once.
 */
export function estimateCombinedCost(options: readonly KeyServiceOption[], answers: AdvisorAnswers, prices: PriceAssumptions): CombinedCostEstimate {
  const sharedCluster = options.includes('cloudHsm') && options.includes('kmsCloudHsmKeyStore');
  const billed = sharedCluster ? options.filter((o) => o !== 'cloudHsm') : options;
  const estimates = billed.map((o) => estimateCost(o, answers, prices));
  const lines = estimates.flatMap((e) => e.lines.map((l) => ({ label: `${OPTION_NAMES[e.option]}: ${l.label}`, usd: l.usd })));
  const notes = [
    ...(sharedCluster ? ['CloudHSM used directly and the custom key store share one cluster: its HSMs are counted once.'] : []),
    ...estimates.flatMap((e) => e.notes),
  ];
  return { options: [...options], ...totalOf(lines), notes };
}
