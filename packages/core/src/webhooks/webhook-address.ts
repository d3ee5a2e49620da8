/**
 * Where webhooks may point. A webhook makes the server send requests to a URL an
 * admin chose, so without a check it could reach what only the server can reach
 * (a database port, a cloud metadata endpoint at 169.254.169.254): server-side
 * request forgery. Unless private addresses are allowed (development and tests),
 * a URL naming a private, loopback, link-local or otherwise non-public address is
 * refused when the webhook is saved, and every delivery resolves the host itself
 * and refuses to connect when any address it resolves to is one of them, so a
 * DNS name cannot lead there either (the connection uses the address checked).
 */
import dns from 'node:dns';
import net from 'node:net';

// Addresses that are not public unicast (IANA special-purpose registries). IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d) are checked against the IPv4 rules by BlockList.
const NOT_PUBLIC = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 32], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(address, prefix, 'ipv6');
}

/** True when `address` (an IP address) is not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** True when `host` (a URL's hostname) is an IP literal of a private address, or a name of the local machine. */
export function isPrivateHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isPrivateAddress(name);
}

/** A connection to a private address was refused. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_RELATA_PRIVATE_ADDRESS';

  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private address (set RELATA_WEBHOOK_ALLOW_PRIVATE=true to allow it)`);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http that resolves like dns.lookup and fails with a
 * PrivateAddressError when any address of the host is private, so the socket
 * only ever connects to an address that passed the check.
 */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  // Node asks for every address (`all`) when it tries both families in turn, and then
  // expects a list: the declared type only knows the single-address form.
  const all = (options as dns.LookupOptions).all === true;
  const reply = callback as unknown as LookupCallback;
  const none = all ? [] : '';
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return reply(error, none, 0);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return reply(new PrivateAddressError(hostname, blocked.address), none, 0);
    const first = addresses[0];
    if (!first) return reply(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), none, 0);
    if (all) reply(null, addresses);
    else reply(null, first.address, first.family);
  });
};
