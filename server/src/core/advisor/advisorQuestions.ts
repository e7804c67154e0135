// The questions of the KMS vs CloudHSM decision, as data: the webview renders them and the
// recommendation reads the answers. Labels say what each answer means for the choice.

export type KeyServiceOption = 'kms' | 'kmsCloudHsmKeyStore' | 'kmsExternalKeyStore' | 'cloudHsm';

export const OPTION_NAMES: Readonly<Record<KeyServiceOption, string>> = {
  kms: 'AWS KMS',
  kmsCloudHsmKeyStore: 'AWS KMS with a CloudHSM custom key store',
  kmsExternalKeyStore: 'AWS KMS with an external key store (XKS)',
  cloudHsm: 'AWS CloudHSM directly',
};

export interface AdvisorAnswers {
  /** FIPS 140 validation the keys' HSMs must have. */
  readonly fipsLevel: 'none' | 'level2' | 'level3' | 'level3Dedicated';
  /** Whether the HSMs may be shared (multi-tenant service) or must be single-tenant. */
  readonly tenancy: 'shared' | 'single';
  /** AWS services that must encrypt with these keys (S3, EBS, RDS...). */
  readonly awsServices: readonly string[];
  /** Standard crypto APIs the applications call (PKCS#11, JCE, CNG/KSP, OpenSSL). */
  readonly cryptoApis: readonly string[];
  /** TLS/SSL offload of web servers' private-key operations. */
  readonly sslOffload: boolean;
  /** Who must hold custody of the keys. */
  readonly keyCustody: 'aws' | 'ownHsmInAws' | 'outsideAws';
  /** Where the applications that use the keys run. */
  readonly workloads: 'aws' | 'hybrid';
  /** Keys usable in several Regions with the same material. */
  readonly multiRegion: boolean;
  /** Who runs high availability of the key store. */
  readonly availability: 'aws' | 'us';
  /** Expected number of keys. */
  readonly keys: number;
  /** Expected cryptographic and management requests per month. */
  readonly requestsPerMonth: number;
}

export const DEFAULT_ANSWERS: AdvisorAnswers = {
  fipsLevel: 'level3',
  tenancy: 'shared',
  awsServices: ['s3'],
  cryptoApis: [],
  sslOffload: false,
  keyCustody: 'aws',
  workloads: 'aws',
  multiRegion: false,
  availability: 'aws',
  keys: 10,
  requestsPerMonth: 1_000_000,
};

export interface ChoiceOption {
  readonly value: string;
  readonly label: string;
}

export type AdvisorQuestion =
  | { readonly id: keyof AdvisorAnswers; readonly kind: 'single'; readonly text: string; readonly help: string; readonly options: readonly ChoiceOption[] }
  | { readonly id: keyof AdvisorAnswers; readonly kind: 'multi'; readonly text: string; readonly help: string; readonly options: readonly ChoiceOption[] }
  | { readonly id: keyof AdvisorAnswers; readonly kind: 'boolean'; readonly text: string; readonly help: string }
  | { readonly id: keyof AdvisorAnswers; readonly kind: 'number'; readonly text: string; readonly help: string; readonly min: number; readonly max: number; readonly step: number };

export const AWS_SERVICES: readonly ChoiceOption[] = [
  { value: 's3', label: 'Amazon S3' },
  { value: 'ebs', label: 'Amazon EBS' },
  { value: 'rds', label: 'Amazon RDS / Aurora' },
  { value: 'dynamodb', label: 'Amazon DynamoDB' },
  { value: 'secretsmanager', label: 'AWS Secrets Manager' },
  { value: 'lambda', label: 'AWS Lambda' },
  { value: 'cloudtrail', label: 'AWS CloudTrail' },
];

export const CRYPTO_APIS: readonly ChoiceOption[] = [
  { value: 'pkcs11', label: 'PKCS #11' },
  { value: 'jce', label: 'Java JCE' },
  { value: 'cng', label: 'Microsoft CNG / KSP' },
  { value: 'openssl', label: 'OpenSSL Dynamic Engine' },
];

export const ADVISOR_QUESTIONS: readonly AdvisorQuestion[] = [
  {
    id: 'fipsLevel',
    kind: 'single',
    text: 'FIPS 140 validation required',
    help: 'AWS KMS HSMs are validated at FIPS 140 Security Level 3; CloudHSM HSMs are too, and are yours alone.',
    options: [
      { value: 'none', label: 'None' },
      { value: 'level2', label: 'Level 2' },
      { value: 'level3', label: 'Level 3' },
      { value: 'level3Dedicated', label: 'Level 3, on an HSM under our exclusive control' },
    ],
  },
  {
    id: 'tenancy',
    kind: 'single',
    text: 'HSM tenancy',
    help: 'KMS runs on HSMs shared by many customers (keys are isolated). CloudHSM gives you single-tenant HSMs.',
    options: [
      { value: 'shared', label: 'Shared (multi-tenant) is acceptable' },
      { value: 'single', label: 'Must be single-tenant' },
    ],
  },
  { id: 'awsServices', kind: 'multi', text: 'AWS services that must encrypt with these keys', help: 'AWS services integrate with KMS keys, never with CloudHSM directly.', options: AWS_SERVICES },
  { id: 'cryptoApis', kind: 'multi', text: 'Standard crypto APIs your applications call', help: 'KMS has its own API; PKCS #11, JCE, CNG and OpenSSL need CloudHSM.', options: CRYPTO_APIS },
  { id: 'sslOffload', kind: 'boolean', text: 'Offload SSL/TLS private-key operations of web servers', help: 'Only CloudHSM does TLS offload (NGINX, Apache, IIS).' },
  {
    id: 'keyCustody',
    kind: 'single',
    text: 'Key control and custody',
    help: 'Who holds the key material and the HSM administration.',
    options: [
      { value: 'aws', label: 'AWS manages the HSMs; we control use through policies' },
      { value: 'ownHsmInAws', label: 'We must hold the HSMs and their credentials, in AWS' },
      { value: 'outsideAws', label: 'Keys must never leave our own key manager outside AWS' },
    ],
  },
  {
    id: 'workloads',
    kind: 'single',
    text: 'Where the applications using the keys run',
    help: 'Centralising keys for on-premises and AWS workloads.',
    options: [
      { value: 'aws', label: 'In AWS' },
      { value: 'hybrid', label: 'Both on premises and in AWS' },
    ],
  },
  { id: 'multiRegion', kind: 'boolean', text: 'Same keys in several Regions (multi-Region keys)', help: 'KMS multi-Region keys share material across Regions; custom key stores do not support them.' },
  {
    id: 'availability',
    kind: 'single',
    text: 'Who runs high availability',
    help: 'KMS is highly available by design. With CloudHSM you size the cluster (at least two HSMs in two Availability Zones); with XKS you run the external key manager.',
    options: [
      { value: 'aws', label: 'AWS should' },
      { value: 'us', label: 'We can operate it' },
    ],
  },
  { id: 'keys', kind: 'number', text: 'Expected number of keys', help: 'Customer managed keys (or keys in the HSM).', min: 0, max: 1_000_000, step: 1 },
  { id: 'requestsPerMonth', kind: 'number', text: 'Expected requests per month', help: 'Encrypt, Decrypt, GenerateDataKey and other API requests.', min: 0, max: 1e12, step: 1000 },
];

/** Reads untrusted answers (from the webview) into a complete, valid set, keeping defaults for what is wrong. */
export function normalizeAnswers(input: unknown): AdvisorAnswers {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const answers: Record<string, unknown> = { ...DEFAULT_ANSWERS };
  for (const question of ADVISOR_QUESTIONS) {
    const value = raw[question.id];
    if (value === undefined) continue;
    if (question.kind === 'single' && typeof value === 'string' && question.options.some((o) => o.value === value)) answers[question.id] = value;
    if (question.kind === 'multi' && Array.isArray(value)) answers[question.id] = question.options.map((o) => o.value).filter((v) => value.includes(v));
    if (question.kind === 'boolean' && typeof value === 'boolean') answers[question.id] = value;
    if (question.kind === 'number') {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
      if (Number.isFinite(n)) answers[question.id] = Math.min(question.max, Math.max(question.min, Math.round(n)));
    }
  }
  return answers as unknown as AdvisorAnswers;
}
