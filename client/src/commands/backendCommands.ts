// Adding and removing backends and Regions in the Keys view: AWS profiles come from the user's
// shared AWS config; the choice is kept in the `kmsPolicyStudio.awsProfiles` setting.
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import { listAwsConfigProfiles } from '../kms/awsConfigProfiles';
import type { AwsProfileSetting } from '../kms/awsProfileBackend';
import { BackendNode } from '../explorer/keyTreeNodes';
import { askRegion } from './keyManagementCommands';

function profilesSetting(): AwsProfileSetting[] {
  return vscode.workspace.getConfiguration('kmsPolicyStudio').get<AwsProfileSetting[]>('awsProfiles', []);
}

async function saveProfiles(profiles: AwsProfileSetting[]): Promise<void> {
  await vscode.workspace.getConfiguration('kmsPolicyStudio').update('awsProfiles', profiles, vscode.ConfigurationTarget.Global);
}

export function addAwsProfileCommand(_ctx: StudioContext) {
  return async (args?: unknown): Promise<void> => {
    const given = typeof args === 'object' && args !== null ? (args as AwsProfileSetting) : undefined;
    let setting: AwsProfileSetting | undefined = given?.profile ? given : undefined;
    if (!setting) {
      let profiles;
      try {
        profiles = await listAwsConfigProfiles();
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not read the AWS config files: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (!profiles.length) {
        void vscode.window.showWarningMessage('No profiles were found in ~/.aws/config or ~/.aws/credentials. Run `aws configure` (or `aws configure sso`) first.');
        return;
      }
      const shown = new Set(profilesSetting().map((p) => p.profile));
      const profile = await vscode.window.showQuickPick(
        profiles.filter((p) => !shown.has(p.name)).map((p) => ({ label: p.name, description: p.region ?? 'no default Region', profile: p })),
        { title: 'Add AWS Profile to the Keys view' },
      );
      if (!profile) return;
      const region = profile.profile.region ?? (await askRegion(`Region to browse with ${profile.label}`));
      if (!region) return;
      setting = { profile: profile.label, regions: [region] };
    }
    await saveProfiles([...profilesSetting().filter((p) => p.profile !== setting.profile), setting]);
  };
}

export function removeBackendCommand(_ctx: StudioContext) {
  return async (node?: unknown): Promise<void> => {
    if (!(node instanceof BackendNode) || node.backend.kind !== 'aws') return;
    const profile = node.backend.id.slice('aws:'.length);
    await saveProfiles(profilesSetting().filter((p) => p.profile !== profile));
  };
}

export function addRegionCommand(_ctx: StudioContext) {
  return async (node?: unknown): Promise<void> => {
    if (!(node instanceof BackendNode)) return;
    const region = await askRegion(`Add a Region to ${node.backend.label}`);
    if (!region) return;
    const config = vscode.workspace.getConfiguration('kmsPolicyStudio');
    if (node.backend.kind === 'embedded') {
      const regions = config.get<string[]>('embeddedRegions', []);
      if (!regions.includes(region)) await config.update('embeddedRegions', [...regions, region], vscode.ConfigurationTarget.Global);
      return;
    }
    const profile = node.backend.id.slice('aws:'.length);
    await saveProfiles(profilesSetting().map((p) => (p.profile === profile ? { ...p, regions: [...new Set([...(p.regions ?? []), region])] } : p)));
  };
}
