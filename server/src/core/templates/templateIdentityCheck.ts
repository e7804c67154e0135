// A cross-check no single-file tool makes: a role of the template whose IAM policy allows KMS
// actions on a key of the same template, while that key's policy neither delegates to an
// account (the root principal) nor names the role. IAM alone is insufficient for KMS: the
// Allow has no effect, and the deployment "works" until the first Decrypt is refused.
import type { Node as JsonNode } from 'jsonc-parser';
import type { KmsCatalog } from '../catalog/kmsCatalog';
import type { Finding } from '../analysis/analysisTypes';
import { identityAllowIneffectiveRule } from '../analysis/environment/identityPolicyDelegationCheck';
import { computePolicyFacts, type PolicyFacts } from '../analysis/policyFacts';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { CloudFormationTemplate } from './cloudFormationTemplate';
import { IntrinsicResolver, intrinsicOf, templateKeyArn } from './intrinsicResolver';
import { templatePolicyDocument, type TemplateKeyPolicy } from './templateKeyPolicy';
import { memberOf } from './templateTree';

interface IdentityPolicy {
  readonly document: JsonNode;
  /** Logical IDs of the template's roles and users that the policy is attached to. */
  readonly attachedTo: readonly string[];
}

/** Logical IDs named by `Roles: [!Ref Role, ...]`; undefined when one is not a plain Ref. */
function referencedIds(list: JsonNode | undefined): string[] | undefined {
  if (!list) return [];
  if (list.type !== 'array') return undefined;
  const ids: string[] = [];
  for (const item of list.children ?? []) {
    const intrinsic = intrinsicOf(item);
    if (intrinsic?.name !== 'Ref' || intrinsic.argument.type !== 'string') return undefined;
    ids.push(intrinsic.argument.value as string);
  }
  return ids;
}

function identityPolicies(template: CloudFormationTemplate): IdentityPolicy[] {
  const found: IdentityPolicy[] = [];
  for (const resource of template.resources.values()) {
    if (resource.type === 'AWS::IAM::Role' || resource.type === 'AWS::IAM::User') {
      const inline = memberOf(resource.properties, 'Policies');
      for (const policy of inline?.type === 'array' ? (inline.children ?? []) : []) {
        const document = memberOf(policy, 'PolicyDocument');
        if (document) found.push({ document, attachedTo: [resource.logicalId] });
      }
    } else if (resource.type === 'AWS::IAM::Policy' || resource.type === 'AWS::IAM::ManagedPolicy' || resource.type === 'AWS::IAM::RolePolicy' || resource.type === 'AWS::IAM::UserPolicy') {
      const document = memberOf(resource.properties, 'PolicyDocument');
      const single = memberOf(resource.properties, resource.type === 'AWS::IAM::UserPolicy' ? 'UserName' : 'RoleName');
      const roles = single ? referencedIds({ type: 'array', offset: 0, length: 0, children: [single] } as JsonNode) : referencedIds(memberOf(resource.properties, 'Roles'));
      const users = single ? [] : referencedIds(memberOf(resource.properties, 'Users'));
      // A policy attached to something the template does not spell out is skipped, never guessed.
      if (document && roles && users) found.push({ document, attachedTo: [...roles, ...users] });
    }
  }
  return found;
}

/** A key of the template or module whose whole policy is known, under the name its source gives it. */
export interface KeyUnderCheck {
  readonly name: string;
  /** The stand-in ARN an identity policy names the key by. */
  readonly arn: string;
  readonly facts: PolicyFacts;
}

/** An Allow of an identity policy on a key whose policy lets none of these principals use it. */
export interface IneffectiveAllow {
  readonly range: SourceRange;
  readonly key: KeyUnderCheck;
  /** The ids of the attached principals the key policy does not name. */
  readonly unnamed: readonly string[];
}

/**
 * The Allows of an identity policy that name a key (by its stand-in ARN) whose policy neither
 * delegates to an account nor names the principals the policy is attached to. CloudFormation
 * and Terraform front-ends both ask this; each words the finding in its own syntax.
 */
export function ineffectiveIdentityAllows(identity: PolicyModel, principals: readonly { id: string; arn: string }[], keys: readonly KeyUnderCheck[], catalog: KmsCatalog): IneffectiveAllow[] {
  const found: IneffectiveAllow[] = [];
  if (principals.length === 0 || keys.length === 0) return found;
  for (const s of computePolicyFacts(identity, catalog).statements) {
    if (s.effect !== 'Allow' || s.statement.principal || s.statement.notPrincipal) continue;
    const keyActions = [...s.coveredActions].filter((a) => catalog.action(`kms:${a}`)?.resourceTypes.includes('key'));
    if (keyActions.length === 0) continue;
    for (const resource of s.statement.resource ?? []) {
      // Only an Allow that names the template's key: "*" is about every key, not this one.
      const key = keys.find((k) => k.arn === resource.value);
      if (!key) continue;
      const allowsSomeone = (accept: (value: string, kind: string) => boolean) =>
        key.facts.statements.some((ks) => ks.effect === 'Allow' && !ks.statement.notPrincipal && keyActions.some((a) => ks.coveredActions.has(a)) && ks.principals.some((p) => accept(p.entry.value.value, p.kind)));
      // Any account principal may be the stack's own account written as a literal: then IAM works.
      if (allowsSomeone((_, kind) => kind === 'account' || kind === 'wildcard')) continue;
      const unnamed = principals.filter((p) => !allowsSomeone((value) => value === p.arn)).map((p) => p.id);
      if (unnamed.length > 0) found.push({ range: resource.range, key, unnamed });
    }
  }
  return found;
}

export function checkTemplateIdentityPolicies(template: CloudFormationTemplate, keyPolicies: readonly TemplateKeyPolicy[], catalog: KmsCatalog, resolver = new IntrinsicResolver(template)): Finding[] {
  // Keys whose whole policy the template fixes: an unknown anywhere could be the delegation.
  const keys = keyPolicies
    .filter((p) => p.intrinsics.every((i) => i.known))
    .map((p) => ({ name: p.key.logicalId, arn: templateKeyArn(p.key.logicalId), facts: computePolicyFacts(p.model, catalog) }));
  if (keys.length === 0) return [];
  const findings: Finding[] = [];
  for (const identity of identityPolicies(template)) {
    const principals = identity.attachedTo.map((id) => ({ id, arn: resolver.getAtt(id, 'Arn') }));
    if (principals.length === 0 || principals.some((p) => !p.arn.known)) continue;
    // Written as an object or as a JSON string (`!Sub |`); one the front-end cannot map is skipped.
    const model = templatePolicyDocument(template, identity.document, resolver)?.model;
    if (!model) continue;
    for (const { range, key, unnamed } of ineffectiveIdentityAllows(model, principals.map((p) => ({ id: p.id, arn: p.arn.value })), keys, catalog)) {
      findings.push({
        code: identityAllowIneffectiveRule.code,
        severity: identityAllowIneffectiveRule.severity,
        docUrl: identityAllowIneffectiveRule.docUrl,
        range,
        message: `This Allow has no effect for ${unnamed.join(', ')} on ${key.name}: its key policy neither allows the account (arn:aws:iam::\${AWS::AccountId}:root) nor names ${unnamed.length === 1 ? 'this principal' : 'these principals'}, and IAM policies alone cannot grant access to a KMS key. Add the root delegation statement to the key policy, or name the principal in it.`,
      });
    }
  }
  return findings;
}
