// IpAddress / NotIpAddress: does an IPv4 or IPv6 address fall in a CIDR block (or equal a
// single address)? Addresses are compared as bigints of 32 or 128 bits.

interface ParsedAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  // An embedded IPv4 tail, e.g. ::ffff:192.0.2.1
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    v4Tail = parseIPv4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

function parseAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIPv6(trimmed);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIPv4(trimmed);
  return value === undefined ? undefined : { bits: 32, value };
}

/** True when `address` lies in `cidr` ("203.0.113.0/24", "2001:db8::/32" or a single address). */
export function ipInCidr(cidr: string, address: string): boolean {
  const slash = cidr.indexOf('/');
  const network = parseAddress(slash >= 0 ? cidr.slice(0, slash) : cidr);
  const ip = parseAddress(address);
  if (!network || !ip || network.bits !== ip.bits) return false;
  const prefix = slash >= 0 ? Number(cidr.slice(slash + 1)) : network.bits;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > network.bits) return false;
  const shift = BigInt(network.bits - prefix);
  return network.value >> shift === ip.value >> shift;
}
