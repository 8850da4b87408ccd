// Which client a request counts as, for limits that share a resource fairly between clients.

/**
 * An IPv4 address as it is; an IPv6 address by its /64 (one subscriber's usual allocation, so rotating through
 * it gains nothing); an IPv4-mapped IPv6 address as its IPv4. Unknown (no address) stays null.
 */
export function clientKey(address: string | null): string | null {
  if (!address) return null;
  const plain = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .split('%')[0]!;
  if (!plain.includes(':')) return plain;
  const mapped = /^(?:0{0,4}:)*:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (group || '0').replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
