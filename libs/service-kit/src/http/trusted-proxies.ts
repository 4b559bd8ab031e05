import { BlockList, isIP } from 'node:net';

/** Names proxy-addr (and so Express/Fastify users) know, as address ranges. */
const NAMED: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Fastify's `trustProxy` for a TRUSTED_PROXIES list: a hop's X-Forwarded-For is believed only when
 * the hop is one of these (IPs, CIDRs, or `loopback`/`linklocal`/`uniquelocal`; `none` for no one).
 */
export function trustedProxies(list: string): TrustProxy {
  const blocks = new BlockList();
  for (const raw of list.split(',').map((s) => s.trim().toLowerCase())) {
    if (!raw || raw === 'none') continue;
    if (NAMED[raw]) {
      for (const [net, prefix, type] of NAMED[raw]) blocks.addSubnet(net, prefix, type);
      continue;
    }
    const [address, prefix] = raw.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
    if (!type) throw new Error(`TRUSTED_PROXIES: "${raw}" is not an IP address, a CIDR or a known name`);
    if (prefix === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && blocks.check(plain, type);
  };
}
