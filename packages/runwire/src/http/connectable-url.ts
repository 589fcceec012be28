import type { AddressInfo } from 'node:net';

/**
 * The `http://host:port` a client on this machine can connect to, for the address a server listens on. A wildcard
 * address (`0.0.0.0`, `::`) accepts connections on every interface but is not an address to connect to: the URL
 * names loopback instead, and `wildcard` says which wildcard was bound.
 */
export function connectableUrl(address: AddressInfo): { readonly url: string; readonly wildcard: string | undefined } {
  const ipv6 = address.family === 'IPv6';
  const wildcard = address.address === '0.0.0.0' || address.address === '::' ? address.address : undefined;
  const host = wildcard === undefined ? address.address : ipv6 ? '::1' : '127.0.0.1';
  return { url: `http://${ipv6 ? `[${host}]` : host}:${address.port}`, wildcard };
}
