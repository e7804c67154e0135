// What a loopback server checks before it reads a request's body, because every web page the
// user opens can reach it: the Host must name this server (a rebound DNS name does not), a
// request with an Origin header came from a page (no SDK or CLI sends one), and the admin routes
// under `/_studio/` need the per-process secret and a JSON body (a page can send text/plain,
// form or multipart bodies without asking first, never application/json).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Names and addresses that always mean this machine. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface Refusal {
  readonly statusCode: number;
  readonly message: string;
}

/** True for an address or name that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** A secret for the admin routes, new for each process: only the one who started the server learns it. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export class LocalServerGuard {
  private readonly hosts: ReadonlySet<string>;
  private readonly tokenDigest: Buffer;

  /**
   * `boundHost` and `port`: where the server listens. `extraHosts`: names the user allowed besides
   * the loopback ones (`name` or `name:port`; without a port, the server's).
   */
  constructor(boundHost: string, port: number, extraHosts: readonly string[], readonly adminToken: string) {
    const names = [...LOOPBACK_NAMES];
    // A server bound to one address answers to that address too; a wildcard is no name.
    if (boundHost !== '0.0.0.0' && boundHost !== '::' && boundHost !== '') names.push(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
    const hosts = new Set<string>();
    for (const name of names) {
      hosts.add(`${name.toLowerCase()}:${port}`);
      if (port === 80) hosts.add(name.toLowerCase());
    }
    for (const extra of extraHosts) {
      const value = extra.trim().toLowerCase();
      if (!value) continue;
      hosts.add(/:\d+$/.test(value) && !/^[^[]*:.*:/.test(value) ? value : `${value}:${port}`);
    }
    this.hosts = hosts;
    this.tokenDigest = digest(adminToken);
  }

  /** Why a request must not be served at all, before anything else looks at it; undefined when it may be. */
  refuseRequest(headers: Readonly<Record<string, string | string[] | undefined>>): Refusal | undefined {
    const host = typeof headers['host'] === 'string' ? headers['host'].toLowerCase() : '';
    if (!this.hosts.has(host)) {
      return {
        statusCode: 403,
        message: `This endpoint answers only requests addressed to ${[...this.hosts].join(', ')}, not '${host}'. Start it with --allowed-host to accept another name.`,
      };
    }
    if (headers['origin'] !== undefined) {
      return { statusCode: 403, message: 'Requests sent by web pages (with an Origin header) are not served.' };
    }
    return undefined;
  }

  /** Why an admin request (under `/_studio/`) is refused; undefined when it carries the token and, for POST, a JSON body. */
  refuseAdminRequest(method: string, headers: Readonly<Record<string, string | string[] | undefined>>): Refusal | undefined {
    const authorization = typeof headers['authorization'] === 'string' ? headers['authorization'] : '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!token || !timingSafeEqual(digest(token), this.tokenDigest)) {
      return { statusCode: 401, message: 'Admin routes need the header "Authorization: Bearer TOKEN" with the admin token this server printed when it started.' };
    }
    if (method.toUpperCase() !== 'GET' && method.toUpperCase() !== 'HEAD') {
      const type = typeof headers['content-type'] === 'string' ? headers['content-type'].split(';')[0]!.trim().toLowerCase() : '';
      if (type !== 'application/json') {
        return { statusCode: 415, message: `Admin requests send their body as Content-Type: application/json, not '${type || 'none'}'.` };
      }
    }
    return undefined;
  }
}

/** Compared by digest: equal lengths for timingSafeEqual, whatever the caller sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
