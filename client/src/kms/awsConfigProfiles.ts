// Profile names and their default Regions from the user's shared AWS config and credentials
// files, read with the SDK's own INI loader so AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
// and `[profile x]` sections behave as they do for the AWS CLI.
import { loadSharedConfigFiles } from '@smithy/core/config';

export interface AwsConfigProfile {
  readonly name: string;
  readonly region?: string;
}

export async function listAwsConfigProfiles(): Promise<AwsConfigProfile[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names]
    .filter((name) => !name.startsWith('sso-session') && !name.includes('.'))
    .sort()
    .map((name) => ({ name, region: configFile[name]?.region ?? credentialsFile[name]?.region }));
}
