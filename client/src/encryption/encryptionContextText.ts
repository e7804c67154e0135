// The encryption context as a person types it: `app=billing,env=prod`. Empty means none.
import type { EncryptionContext } from './kmsEnvelopeFormat';

export function parseEncryptionContextText(text: string): EncryptionContext {
  const context: Record<string, string> = {};
  const trimmed = text.trim();
  if (!trimmed) return context;
  for (const part of trimmed.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part.trim()}" is not key=value.`);
    const key = part.slice(0, eq).trim();
    if (!key) throw new Error(`"${part.trim()}" has an empty key.`);
    if (key in context) throw new Error(`The key "${key}" appears twice.`);
    context[key] = part.slice(eq + 1).trim();
  }
  return context;
}

export function formatEncryptionContextText(context: EncryptionContext): string {
  return Object.entries(context)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
