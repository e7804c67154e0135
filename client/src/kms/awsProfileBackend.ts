// A real AWS account reached through a named profile of ~/.aws/config (credentials resolved by
// the SDK's own provider chain for that profile: static keys, SSO, assume-role, process).
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { fromIni } from '@aws-sdk/credential-providers';
import type { KeyActivity } from './keyActivity';
import { lookupKeyActivity, regionOfKeyArn } from './keyActivityLookup';
import type { KmsBackend } from './kmsBackend';

export interface AwsProfileSetting {
  readonly profile: string;
  readonly regions?: readonly string[];
}

export class AwsProfileBackend implements KmsBackend {
  readonly kind = 'aws' as const;
  private readonly clients = new Map<string, KMSClient>();
  private readonly hsmClients = new Map<string, CloudHSMV2Client>();
  private readonly trailClients = new Map<string, CloudTrailClient>();

  constructor(
    readonly setting: AwsProfileSetting,
    private readonly profileRegion: string | undefined,
  ) {}

  get id(): string {
    return `aws:${this.setting.profile}`;
  }

  get label(): string {
    return `AWS profile ${this.setting.profile}`;
  }

  async regions(): Promise<readonly string[]> {
    const listed = this.setting.regions ?? [];
    const regions = [...new Set([...listed, ...(this.profileRegion && listed.length === 0 ? [this.profileRegion] : [])])];
    return regions.length ? regions : ['us-east-1'];
  }

  describeCaller(): string {
    return `profile ${this.setting.profile}`;
  }

  async client(region: string): Promise<KMSClient> {
    let client = this.clients.get(region);
    if (!client) {
      client = new KMSClient({ region, credentials: fromIni({ profile: this.setting.profile }) });
      this.clients.set(region, client);
    }
    return client;
  }

  async cloudHsmClient(region: string): Promise<CloudHSMV2Client> {
    let client = this.hsmClients.get(region);
    if (!client) {
      client = new CloudHSMV2Client({ region, credentials: fromIni({ profile: this.setting.profile }) });
      this.hsmClients.set(region, client);
    }
    return client;
  }

  async now(): Promise<Date> {
    return new Date();
  }

  async keyActivity(keyArn: string, since: Date): Promise<KeyActivity> {
    const region = regionOfKeyArn(keyArn) ?? (await this.regions())[0];
    let client = this.trailClients.get(region);
    if (!client) {
      // LookupEvents allows two requests a second per account and Region: adaptive retries pace
      // the pages instead of failing on ThrottlingException.
      client = new CloudTrailClient({ region, credentials: fromIni({ profile: this.setting.profile }), retryMode: 'adaptive' });
      this.trailClients.set(region, client);
    }
    return lookupKeyActivity(client, keyArn, since);
  }

  dispose(): void {
    for (const client of [...this.clients.values(), ...this.hsmClients.values(), ...this.trailClients.values()]) client.destroy();
    this.clients.clear();
    this.hsmClients.clear();
    this.trailClients.clear();
  }
}
