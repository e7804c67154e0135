// Reads a tier's output for `npm test`'s summary: passed, failed and skipped counts, and why
// tests were skipped (a skip hidden in a tier's scrollback looks like a pass).
// node --test's spec reporter ends with "ℹ pass N" / "ℹ fail N" / "ℹ skipped N" and prints each
// skipped test as "﹣ name (1.2ms) # reason"; the host tiers print "N passed, N failed".

export function tierCounts(output) {
  const total = (label) => [...output.matchAll(new RegExp(`^ℹ ${label} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const host = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  const skipped = total('skipped');
  return host ? { pass: Number(host[1]), fail: Number(host[2]), skipped } : { pass: total('pass'), fail: total('fail'), skipped };
}

/** Each reason a test was skipped for, with how many tests it skipped, most first. */
export function skipReasons(output) {
  const reasons = new Map();
  for (const m of output.matchAll(/^\s*﹣ .*? \([\d.]+m?s\)(?: # (.*))?$/gm)) {
    const reason = (m[1] ?? 'no reason given').trim();
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
