/**
 * The machine's LAN addresses, for join links phones can open.
 *
 * @module
 */

/**
 * IPv4 addresses of this machine's non-internal interfaces, private ranges
 * first. Empty when the permission to list interfaces is missing.
 */
export function lanAddresses(): string[] {
  let interfaces: Deno.NetworkInterfaceInfo[];
  try {
    interfaces = Deno.networkInterfaces();
  } catch {
    return [];
  }
  const addresses = interfaces
    .filter((entry) =>
      entry.family === "IPv4" && !entry.address.startsWith("127.") &&
      !entry.address.startsWith("169.254.")
    )
    .map((entry) => entry.address);
  const isPrivate = (address: string) =>
    /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address);
  return [...new Set(addresses)].sort((a, b) =>
    Number(isPrivate(b)) - Number(isPrivate(a))
  );
}
