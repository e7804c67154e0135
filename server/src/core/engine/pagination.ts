// Marker-based paging as the List* operations use it: the marker is the index of the next
// item, opaque to callers.
import { KmsServiceError } from './kmsEngineApi';
export interface Page<T> {
  readonly items: T[];
  readonly truncated: boolean;
  readonly nextMarker?: string;
}

export function paginate<T>(all: readonly T[], limit: number, marker: string | undefined): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const decoded = Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^page:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw new KmsServiceError('InvalidMarkerException', 'Invalid marker');
    start = decoded;
  }
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  const truncated = end < all.length;
  return { items, truncated, ...(truncated ? { nextMarker: Buffer.from(`page:${end}`).toString('base64url') } : {}) };
}
