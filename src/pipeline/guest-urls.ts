/**
 * URLs as the guest must see them. A guest on user-mode networking cannot reach the host's
 * loopback at 127.0.0.1, so every loopback URL the kickstart or the tree names is relayed through
 * the build's HTTP server (which also counts the bytes for the stall watchdog): the URL's
 * directory becomes a relay route and the URL is rewritten to 10.0.2.2. Other URLs pass unchanged.
 */
import type { Route } from './guest-server.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && (LOOPBACK_HOSTS.has(u.hostname) || /^127\./.test(u.hostname));
  } catch {
    return false;
  }
}

/** Collects relay routes for loopback URLs and rewrites them once the server's port is known. */
export class GuestUrlMap {
  readonly routes: Route[] = [];
  private readonly byDirectory = new Map<string, string>();

  /** Registers a URL (call for every URL before the server starts). Returns whether it is relayed. */
  register(url: string): boolean {
    if (!isLoopbackUrl(url)) return false;
    const dir = directoryOf(url);
    if (!this.byDirectory.has(dir)) {
      const prefix = `/relay/${this.byDirectory.size}/`;
      this.byDirectory.set(dir, prefix);
      this.routes.push({ prefix, upstream: dir });
    }
    return true;
  }

  /** The URL for the guest: relayed loopback URLs point at the build's server; others are unchanged. */
  rewrite(url: string, guestBase: string): string {
    if (!isLoopbackUrl(url)) return url;
    const dir = directoryOf(url);
    const prefix = this.byDirectory.get(dir);
    if (!prefix) throw new Error(`kiln bug: ${url} was not registered before the guest server started`);
    return `${guestBase}${prefix}${url.slice(dir.length)}`;
  }
}

/** The URL up to and including the last '/' of its path (query and fragment dropped). */
function directoryOf(url: string): string {
  const u = new URL(url);
  const path = u.pathname.endsWith('/') ? u.pathname : u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1);
  return `${u.protocol}//${u.host}${path}`;
}
