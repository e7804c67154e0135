// A template as an environment of its own: the stack's account, its roles and users with the
// policies the template attaches to them (inline Policies, ManagedPolicyArns and
// PermissionsBoundary naming a managed policy of the template, AWS::IAM::Policy and
// ManagedPolicy attached through Roles and Users), its keys with their key policies, aliases and
// tags. Simulate and Who Can Use then answer from the template alone, through the one scenario
// builder every decision uses (core/environment/scenarioBuilder.ts).
//
// What the template does not say is left out rather than guessed: a policy attached to a role
// that is not in the template, a managed policy of AWS (its document is not in the template),
// grants (CloudFormation has no grant resource; grants are made at run time). A value the
// template does not fix stays in the documents as its `${...}` stand-in, which matches nothing.
import type { Node as JsonNode } from 'jsonc-parser';
import type { PolicyDocument } from '../access/scenario';
import type { PolicyModel } from '../policy/policyModel';
import type { Environment, EnvironmentKey, EnvironmentPrincipal, PolicySourceInfo } from '../environment/environmentModel';
import { keyArnOf } from '../environment/scenarioBuilder';
import { keyResources, type CloudFormationTemplate, type TemplateResource } from './cloudFormationTemplate';
import { intrinsicOf, IntrinsicResolver, TEMPLATE_ACCOUNT, TEMPLATE_PARTITION, TEMPLATE_REGION, templateKeyId } from './intrinsicResolver';
import { templatePolicyDocument, type TemplateKeyPolicy } from './templateKeyPolicy';
import { memberOf } from './templateTree';

/** Where each statement of a policy is written in its template or Terraform file, for the trace's links. */
export function statementSpans(model: PolicyModel): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const s of model.statements) spans[s.index] = { start: s.range.start, end: s.range.end };
  return spans;
}

export interface TemplateEnvironment {
  readonly environment: Environment;
  /** The environment's key for each key of the template, by logical ID. */
  readonly keys: ReadonlyMap<string, EnvironmentKey>;
  /** The environment's principal for each role and user of the template, by logical ID. */
  readonly principals: ReadonlyMap<string, EnvironmentPrincipal>;
}

interface Attached {
  readonly document: PolicyDocument;
  readonly source: PolicySourceInfo;
}

/** A literal string of the template, or undefined. */
function literal(node: JsonNode | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/** `Key: Value` pairs of a Tags list written literally. */
function tagsOf(resource: TemplateResource): Record<string, string> | undefined {
  const list = memberOf(resource.properties, 'Tags');
  if (list?.type !== 'array') return undefined;
  const tags: Record<string, string> = {};
  for (const item of list.children ?? []) {
    const key = literal(memberOf(item, 'Key'));
    const value = literal(memberOf(item, 'Value'));
    if (key !== undefined && value !== undefined) tags[key] = value;
  }
  return Object.keys(tags).length ? tags : undefined;
}

/** The logical ID a `!Ref X` names, when the node is one. */
function refOf(node: JsonNode | undefined): string | undefined {
  const intrinsic = intrinsicOf(node);
  return intrinsic?.name === 'Ref' && intrinsic.argument.type === 'string' ? (intrinsic.argument.value as string) : undefined;
}

const listOf = (node: JsonNode | undefined): JsonNode[] => (node?.type === 'array' ? (node.children ?? []) : node ? [node] : []);

export interface TemplateEnvironmentOptions {
  /** The template's path or URI: traces name it, and link each policy to it. */
  readonly source?: string;
}

export function templateEnvironment(template: CloudFormationTemplate, keyPolicies: readonly TemplateKeyPolicy[], options: TemplateEnvironmentOptions = {}, resolver = new IntrinsicResolver(template)): TemplateEnvironment {
  const where = options.source ? ` in ${options.source}` : '';
  // Policies link to the template, each statement to where the template writes it.
  const sourceInfo = (name: string, spans?: readonly { start: number; end: number }[]): PolicySourceInfo => ({
    name,
    ...(options.source ? { path: options.source, ...(spans ? { text: template.text, statementSpans: spans } : {}) } : {}),
  });
  // As plain JSON: the document a deployment would hand IAM or KMS, with where its statements are.
  const documentOf = (node: JsonNode | undefined): { document: PolicyDocument; spans: { start: number; end: number }[] } | undefined => {
    const model = node ? templatePolicyDocument(template, node, resolver)?.model : undefined;
    return model?.value === undefined ? undefined : { document: JSON.parse(JSON.stringify(model.value)) as PolicyDocument, spans: statementSpans(model) };
  };
  const resources = [...template.resources.values()];

  // Managed policies of the template: `!Ref ManagedPolicy` is its ARN, so roles name them by Ref.
  const managed = new Map<string, Attached>();
  for (const resource of resources) {
    if (resource.type !== 'AWS::IAM::ManagedPolicy') continue;
    const read = documentOf(memberOf(resource.properties, 'PolicyDocument'));
    const name = literal(memberOf(resource.properties, 'ManagedPolicyName')) ?? resource.logicalId;
    if (read) managed.set(resource.logicalId, { document: read.document, source: sourceInfo(`${name} (managed policy ${resource.logicalId}${where})`, read.spans) });
  }

  const attached = new Map<string, Attached[]>();
  const attach = (principalId: string, policy: Attached) => attached.set(principalId, [...(attached.get(principalId) ?? []), policy]);
  for (const resource of resources) {
    const p = resource.properties;
    if (resource.type === 'AWS::IAM::Role' || resource.type === 'AWS::IAM::User') {
      for (const inline of listOf(memberOf(p, 'Policies'))) {
        const read = documentOf(memberOf(inline, 'PolicyDocument'));
        const name = literal(memberOf(inline, 'PolicyName')) ?? 'inline policy';
        if (read) attach(resource.logicalId, { document: read.document, source: sourceInfo(`${name} (inline policy of ${resource.logicalId}${where})`, read.spans) });
      }
      for (const arn of listOf(memberOf(p, 'ManagedPolicyArns'))) {
        const policy = managed.get(refOf(arn) ?? '');
        if (policy) attach(resource.logicalId, policy);
      }
    } else if (resource.type === 'AWS::IAM::Policy' || resource.type === 'AWS::IAM::ManagedPolicy' || resource.type === 'AWS::IAM::RolePolicy' || resource.type === 'AWS::IAM::UserPolicy') {
      const read = documentOf(memberOf(p, 'PolicyDocument'));
      if (!read) continue;
      const name = literal(memberOf(p, resource.type === 'AWS::IAM::ManagedPolicy' ? 'ManagedPolicyName' : 'PolicyName')) ?? resource.logicalId;
      const policy = managed.get(resource.logicalId) ?? { document: read.document, source: sourceInfo(`${name} (${resource.type} ${resource.logicalId}${where})`, read.spans) };
      // Roles and users the policy names by Ref (RoleName/UserName for the single-principal kinds).
      const single = memberOf(p, resource.type === 'AWS::IAM::UserPolicy' ? 'UserName' : 'RoleName');
      const targets = single ? [single] : [...listOf(memberOf(p, 'Roles')), ...listOf(memberOf(p, 'Users'))];
      for (const target of targets) {
        const id = refOf(target);
        if (id) attach(id, policy);
      }
    }
  }

  const principals = new Map<string, EnvironmentPrincipal>();
  for (const resource of resources) {
    if (resource.type !== 'AWS::IAM::Role' && resource.type !== 'AWS::IAM::User') continue;
    const arn = resolver.getAtt(resource.logicalId, 'Arn');
    if (!arn.known) continue;
    const policies = attached.get(resource.logicalId) ?? [];
    const boundary = managed.get(refOf(memberOf(resource.properties, 'PermissionsBoundary')) ?? '');
    const tags = tagsOf(resource);
    principals.set(resource.logicalId, {
      arn: arn.value,
      name: resource.logicalId,
      ...(tags ? { tags } : {}),
      identityPolicies: policies.map((a) => a.document),
      identityPolicySources: policies.map((a) => a.source),
      ...(boundary ? { permissionBoundary: boundary.document, permissionBoundarySource: boundary.source } : {}),
      accessKeys: [],
    });
  }

  const aliases = new Map<string, string[]>();
  for (const resource of resources) {
    if (resource.type !== 'AWS::KMS::Alias') continue;
    const name = literal(memberOf(resource.properties, 'AliasName'));
    const target = memberOf(resource.properties, 'TargetKeyId');
    const intrinsic = intrinsicOf(target);
    // TargetKeyId: !Ref Key, or !GetAtt Key.Arn / Key.KeyId.
    const id = intrinsic?.name === 'Ref' ? literal(intrinsic.argument) : intrinsic?.name === 'Fn::GetAtt' ? (literal(intrinsic.argument)?.split('.')[0] ?? literal(intrinsic.argument.children?.[0])) : undefined;
    if (name && id) aliases.set(id, [...(aliases.get(id) ?? []), name]);
  }

  const keys = new Map<string, EnvironmentKey>();
  for (const key of keyResources(template)) {
    const p = key.properties;
    const policy = keyPolicies.find((k) => k.key === key);
    const flag = (name: string) => {
      const node = memberOf(p, name);
      return node?.type === 'boolean' ? (node.value as boolean) : node?.type === 'string' ? node.value === 'true' : undefined;
    };
    const tags = tagsOf(key);
    keys.set(key.logicalId, {
      // The key's ARN is the one the template's policies name it by (`!GetAtt Key.Arn`).
      keyId: templateKeyId(key.logicalId),
      account: TEMPLATE_ACCOUNT,
      region: TEMPLATE_REGION,
      description: literal(memberOf(p, 'Description')),
      keySpec: literal(memberOf(p, 'KeySpec')),
      keyUsage: literal(memberOf(p, 'KeyUsage')),
      origin: literal(memberOf(p, 'Origin')),
      multiRegion: key.type === 'AWS::KMS::ReplicaKey' || flag('MultiRegion') === true,
      state: flag('Enabled') === false ? 'Disabled' : 'Enabled',
      // No KeyPolicy written: KMS gives the key its default policy (the scenario builder's).
      // The key policy is named after the template it is written in (the key is the request's).
      ...(policy ? { keyPolicy: JSON.parse(JSON.stringify(policy.model.value ?? null)) as PolicyDocument, ...(options.source ? { keyPolicySource: { path: options.source, text: template.text, statementSpans: statementSpans(policy.model) } } : {}) } : {}),
      aliases: aliases.get(key.logicalId) ?? [],
      ...(tags ? { tags } : {}),
      grants: [],
    });
  }

  const environment: Environment = {
    partition: TEMPLATE_PARTITION,
    defaultRegion: TEMPLATE_REGION,
    accounts: [{ id: TEMPLATE_ACCOUNT, serviceControlPolicies: [], resourceControlPolicies: [] }],
    principals: [...principals.values()],
    keys: [...keys.values()],
    ...(options.source ? { source: options.source } : {}),
  };
  return { environment, keys, principals };
}

/** The ARN a key of the template has in its environment. */
export function templateEnvironmentKeyArn(environment: TemplateEnvironment, logicalId: string): string | undefined {
  const key = environment.keys.get(logicalId);
  return key && keyArnOf(environment.environment, key);
}
