// Policy variables in Resource elements and condition values: `${aws:username}`,
// `${aws:PrincipalTag/team}`, defaults (`${aws:username, 'nobody'}`) and the three escapes
// `${*}`, `${?}` and `${$}`. (IAM User Guide, "IAM policy elements: Variables and tags".)
import type { RequestContext } from './requestContext';

/** Stand-ins for a literal `*` and `?`, so a wildcard matcher does not read them as wildcards. */
export const LITERAL_STAR = '\uE000';
export const LITERAL_QUESTION = '\uE001';

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Substitutes the variables of `value` from the context. Returns undefined when a variable
 * names a key that is absent (or multivalued) and has no default: "If the key is not present
 * in the request context ... the policy element does not match" — such a value never matches.
 */
export function substituteVariables(value: string, context: RequestContext): string | undefined {
  if (value.indexOf('${') < 0) return value;
  let unresolved = false;
  const result = value.replace(VARIABLE, (_whole, inner: string) => {
    const body = inner.trim();
    if (body === '*') return LITERAL_STAR;
    if (body === '?') return LITERAL_QUESTION;
    if (body === '$') return '$';
    let keyName = body;
    let fallback: string | undefined;
    const comma = body.indexOf(',');
    if (comma >= 0) {
      keyName = body.slice(0, comma).trim();
      const rest = body.slice(comma + 1).trim();
      const quoted = /^'(.*)'$/.exec(rest);
      fallback = quoted ? quoted[1] : rest;
    }
    const entry = context.get(keyName.toLowerCase());
    if (entry && !entry.multiValued && entry.values.length === 1) return entry.values[0];
    if (fallback !== undefined) return fallback;
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : result;
}

/** The substituted value with literal escapes turned back into characters, for exact comparisons. */
export function literalText(value: string): string {
  if (value.indexOf(LITERAL_STAR) < 0 && value.indexOf(LITERAL_QUESTION) < 0) return value;
  return value.split(LITERAL_STAR).join('*').split(LITERAL_QUESTION).join('?');
}
