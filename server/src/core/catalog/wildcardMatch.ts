// IAM wildcard matching (`*` any run, `?` one character), in linear-ish time: a backtracking
// RegExp built from a policy value with many `*` can take exponential time, and policy text is
// untrusted input. This is the only wildcard matcher: the catalog, the rules and the evaluator
// all use it. U+E000 and U+E001 stand for a literal `*` and `?` (from the policy variables
// `${*}` and `${?}`).

const LITERAL_STAR = '\uE000';
const LITERAL_QUESTION = '\uE001';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True when `pattern` matches the whole of `text`; case-insensitive unless `ignoreCase` is false. */
export function wildcardMatches(pattern: string, text: string, ignoreCase = true): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    const pc = pi < p.length ? p[pi] : undefined;
    // `?` is one character: a surrogate pair counts once.
    const width = isHighSurrogate(t.charCodeAt(ti)) && ti + 1 < t.length ? 2 : 1;
    if (pc === '?') {
      pi++;
      ti += width;
    } else if (pc === '*') {
      star = pi++;
      resume = ti;
    } else if (pc !== undefined && (pc === t[ti] || (pc === LITERAL_STAR && t[ti] === '*') || (pc === LITERAL_QUESTION && t[ti] === '?'))) {
      pi++;
      ti++;
    } else if (star >= 0) {
      pi = star + 1;
      resume += isHighSurrogate(t.charCodeAt(resume)) && resume + 1 < t.length ? 2 : 1;
      ti = resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
