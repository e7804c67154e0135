// A place KMS keys live: the embedded engine (always present) or an AWS account reached through a
// named profile. Everything above this file (explorer, encrypt selection, simulate) asks a backend
// for a KMSClient per Region and never needs to know which kind it holds.
import type { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { KeyActivity } from './keyActivity';

export type BackendKind = 'embedded' | 'aws';

export interface KmsBackend {
  /** Stable id: `embedded` or `aws:<profile>`. */
  readonly id: string;
  readonly kind: BackendKind;
  /** Shown in the explorer: `Embedded engine`, `AWS profile dev`. */
  readonly label: string;
  /** The Regions to browse, default Region first. */
  regions(): Promise<readonly string[]>;
  /** A client for one Region, signed as the backend's current principal. */
  client(region: string): Promise<KMSClient>;
  /** A CloudHSM v2 client for the same Region and caller (clusters behind custom key stores). */
  cloudHsmClient(region: string): Promise<CloudHSMV2Client>;
  /** Who the calls run as (an ARN, or the profile name until the first call resolves it). */
  describeCaller(): string;
  /**
   * The key's CloudTrail events from `since` on, newest first, read with CloudTrail's
   * LookupEvents in the key's Region as the same caller. Rejects with the service's error
   * (AccessDeniedException without cloudtrail:LookupEvents).
   */
  keyActivity(keyArn: string, since: Date): Promise<KeyActivity>;
  /**
   * The time as the backend's keys and events see it: the embedded engine's clock (which
   * Advance Engine Clock moves ahead of real time), or real time for an AWS account. Activity
   * windows ("the last 90 days") and "3 days ago" are measured from it.
   */
  now(): Promise<Date>;
}
