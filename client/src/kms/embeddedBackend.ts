// The embedded engine as a backend: a KMSClient whose request handler forwards every signed
// request to the language server. The principal the calls run as is chosen with "Act As"; the
// client is rebuilt with that principal's access key whenever the choice changes.
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import type { EngineInfoResult } from '../../../server/src/protocol';
import type { KeyActivity } from './keyActivity';
import { lookupKeyActivity, regionOfKeyArn } from './keyActivityLookup';
import type { KmsBackend } from './kmsBackend';
import { shortPrincipal } from './principalNames';
import { LanguageServerRequestHandler, type WireSender } from './languageServerRequestHandler';

export type EnginePrincipal = EngineInfoResult['principals'][number];

export class EmbeddedBackend implements KmsBackend {
  readonly id = 'embedded';
  readonly kind = 'embedded' as const;
  readonly label = 'Embedded engine';
  private readonly clients = new Map<string, KMSClient>();
  private readonly hsmClients = new Map<string, CloudHSMV2Client>();
  private readonly trailClients = new Map<string, CloudTrailClient>();
  private principalArn: string | undefined;

  constructor(
    private readonly engineInfo: () => Promise<EngineInfoResult>,
    private readonly send: WireSender,
    private readonly extraRegions: () => readonly string[],
    /** The engine's clock, which Advance Engine Clock moves ahead of real time. */
    private readonly engineNow: () => Promise<Date>,
  ) {}

  now(): Promise<Date> {
    return this.engineNow();
  }

  async regions(): Promise<readonly string[]> {
    const info = await this.engineInfo();
    return [...new Set([info.region, ...this.extraRegions()])];
  }

  async principals(): Promise<readonly EnginePrincipal[]> {
    return (await this.engineInfo()).principals;
  }

  /** The principal calls run as: the chosen one, else the account root, else the first known. */
  async currentPrincipal(): Promise<EnginePrincipal> {
    const { principals } = await this.engineInfo();
    if (principals.length === 0) throw new Error('The embedded engine reported no principals with access keys.');
    return (
      principals.find((p) => p.arn === this.principalArn) ??
      principals.find((p) => p.arn.endsWith(':root')) ??
      principals[0]
    );
  }

  describeCaller(): string {
    return this.principalArn ? shortPrincipal(this.principalArn) : 'root';
  }

  /** Switches the principal; later calls are signed with its access key. */
  actAs(principalArn: string): void {
    this.principalArn = principalArn;
    this.resetClients();
  }

  /** Forgets cached clients, e.g. after the language server restarted with other principals. */
  resetClients(): void {
    for (const client of [...this.clients.values(), ...this.hsmClients.values(), ...this.trailClients.values()]) client.destroy();
    this.clients.clear();
    this.hsmClients.clear();
    this.trailClients.clear();
  }

  /** The engine also serves the CloudHSM v2 API (its simulated clusters), on the same bridge. */
  async cloudHsmClient(region: string): Promise<CloudHSMV2Client> {
    const principal = await this.currentPrincipal();
    const cacheKey = `${principal.accessKeyId}|${region}`;
    let client = this.hsmClients.get(cacheKey);
    if (!client) {
      client = new CloudHSMV2Client({
        region,
        endpoint: `https://cloudhsmv2.${region}.amazonaws.com`,
        credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
        requestHandler: new LanguageServerRequestHandler(this.send),
        maxAttempts: 1,
      });
      this.hsmClients.set(cacheKey, client);
    }
    return client;
  }

  /**
   * The engine answers CloudTrail's LookupEvents over the events it recorded, on the same bridge:
   * the activity is read exactly as from AWS, as the current principal (who needs
   * cloudtrail:LookupEvents, as in AWS).
   */
  async keyActivity(keyArn: string, since: Date): Promise<KeyActivity> {
    const principal = await this.currentPrincipal();
    const region = regionOfKeyArn(keyArn) ?? (await this.regions())[0];
    const cacheKey = `${principal.accessKeyId}|${region}`;
    let client = this.trailClients.get(cacheKey);
    if (!client) {
      client = new CloudTrailClient({
        region,
        endpoint: `https://cloudtrail.${region}.amazonaws.com`,
        credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
        requestHandler: new LanguageServerRequestHandler(this.send),
        maxAttempts: 1,
      });
      this.trailClients.set(cacheKey, client);
    }
    return lookupKeyActivity(client, keyArn, since);
  }

  async client(region: string): Promise<KMSClient> {
    return this.clientFor(await this.currentPrincipal(), region);
  }

  /** A client signed as the account root user (or the first principal), whoever Act As chose. */
  async rootClient(region: string): Promise<KMSClient> {
    const { principals } = await this.engineInfo();
    const root = principals.find((p) => p.arn.endsWith(':root')) ?? (await this.currentPrincipal());
    return this.clientFor(root, region);
  }

  private clientFor(principal: EnginePrincipal, region: string): KMSClient {
    const cacheKey = `${principal.accessKeyId}|${region}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = new KMSClient({
        region,
        // Any endpoint will do: the request handler never opens a connection.
        endpoint: `https://kms.${region}.amazonaws.com`,
        credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
        requestHandler: new LanguageServerRequestHandler(this.send),
        maxAttempts: 1,
      });
      this.clients.set(cacheKey, client);
    }
    return client;
  }
}
