// Estimated monthly cost of each option, from list prices the user can see and change.
// Defaults are AWS's published list prices in us-east-1 (https://aws.amazon.com/kms/pricing/,
// https://aws.amazon.com/cloudhsm/pricing/): $1 per KMS key per month, $0.03 per 10,000
// requests after 20,000 free requests a month, and about $1.45 per CloudHSM HSM-hour.
// Prices vary by Region and change over time, which is why every figure is editable.
import type { AdvisorAnswers, KeyServiceOption } from './advisorQuestions';

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

export const DEFAULT_PRICES: PriceAssumptions = {
  kmsKeyMonth: 1,
  kmsPer10kRequests: 0.03,
  kmsFreeRequests: 20_000,
  hsmHour: 1.45,
  hsmCount: 2,
  hoursPerMonth: 730,
  externalKeyManagerMonth: 0,
};

export const PRICE_LABELS: Readonly<Record<keyof PriceAssumptions, string>> = {
  kmsKeyMonth: 'KMS key, USD per month',
  kmsPer10kRequests: 'KMS requests, USD per 10,000',
  kmsFreeRequests: 'KMS free requests per month',
  hsmHour: 'CloudHSM, USD per HSM-hour',
  hsmCount: 'HSMs in the cluster',
  hoursPerMonth: 'Hours per month',
  externalKeyManagerMonth: 'External key manager, USD per month',
};

export interface CostLine {
  readonly label: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly option: KeyServiceOption;
  readonly monthlyUsd: number;
  readonly lines: readonly CostLine[];
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
      lines = [...kmsLines(answers, prices), { label: 'External key manager and XKS proxy', usd: prices.externalKeyManagerMonth }];
      break;
    case 'cloudHsm':
      // CloudHSM bills HSM-hours only: no per-key or per-request charge.
      lines = [hsmLine(prices, 1)];
      break;
  }
  const monthlyUsd = Math.round(lines.reduce((sum, l) => sum + l.usd, 0) * 100) / 100;
  return { option, monthlyUsd, lines: lines.map((l) => ({ ...l, usd: Math.round(l.usd * 100) / 100 })) };
}
