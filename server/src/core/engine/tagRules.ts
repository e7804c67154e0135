// Tag validation shared by CreateKey, TagResource and ReplicateKey, with AWS's messages.
import { constraintViolation, tagError } from './engineErrors';
import type { JsonObject } from './kmsEngineApi';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

const MAX_TAGS = 50;

export function readTags(list: readonly JsonObject[] | undefined): Tag[] {
  if (!list) return [];
  const tags: Tag[] = [];
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const key = item.TagKey;
    const value = item.TagValue;
    if (typeof key !== 'string') throw constraintViolation(null, `tags.${index + 1}.member.tagKey`, 'Member must not be null');
    if (typeof value !== 'string') throw constraintViolation(null, `tags.${index + 1}.member.tagValue`, 'Member must not be null');
    if (key.length > 128) throw constraintViolation(key, `tags.${index + 1}.member.tagKey`, 'Member must have length less than or equal to 128');
    if (key.length < 1) throw constraintViolation(key, `tags.${index + 1}.member.tagKey`, 'Member must have length greater than or equal to 1');
    if (value.length > 256) throw constraintViolation(value, `tags.${index + 1}.member.tagValue`, 'Member must have length less than or equal to 256');
    if (key.toLowerCase().startsWith('aws:')) throw tagError('Tags beginning with aws: are reserved');
    if (seen.has(key)) throw tagError('Duplicate tag keys');
    seen.add(key);
    tags.push({ TagKey: key, TagValue: value });
  });
  if (tags.length > MAX_TAGS) throw tagError('Too many tags');
  return tags;
}

/** Applies new tags over existing ones (same key: new value), enforcing the 50-tag limit. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.TagKey, t.TagValue]));
  for (const t of added) merged.set(t.TagKey, t.TagValue);
  if (merged.size > MAX_TAGS) throw tagError('Too many tags');
  return [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function tagContext(tags: readonly Tag[]): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const t of tags) context[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
  if (tags.length) context['aws:TagKeys'] = tags.map((t) => t.TagKey);
  return context;
}
