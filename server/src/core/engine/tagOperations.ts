// TagResource, UntagResource and ListResourceTags on KMS keys.
import { constraintViolation } from './engineErrors';
import { useKey } from './keyAccess';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';
import { mergeTags, readTags, tagContext } from './tagRules';

function tagResource(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const list = input.optionalObjectList('Tags');
  if (!list) throw constraintViolation(null, 'tags', 'Member must not be null');
  const tags = readTags(list);
  const key = useKey(context, keyId, { allowAlias: false, context: tagContext(tags) });
  key.tags = mergeTags(key.tags, tags);
  context.changed();
  return {};
}

function untagResource(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const keys = input.optionalStringList('TagKeys');
  if (!keys) throw constraintViolation(null, 'tagKeys', 'Member must not be null');
  const key = useKey(context, keyId, { allowAlias: false, context: keys.length ? { 'aws:TagKeys': keys } : {} });
  const remove = new Set(keys);
  key.tags = key.tags.filter((t) => !remove.has(t.TagKey));
  context.changed();
  return {};
}

function listResourceTags(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 50 }) ?? 50;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  const key = useKey(context, keyId, { allowAlias: false });
  const page = paginate(key.tags, limit, marker);
  return { Tags: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

export const tagOperations: OperationTable = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
};
