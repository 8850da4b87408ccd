// Where a request comes from, as each runtime knows it. The app reads it once, when the request starts.

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

/**
 * Node: the peer of the connection, never a header (anyone can send cf-connecting-ip). node.ts reads each
 * socket's address as the connection opens, and Node keeps it once read, so an early hang-up cannot erase it.
 */
export function nodePeerAddress(_request: Request, env: unknown): string | null {
  return (env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? null;
}

/** Workers: Cloudflare sets cf-connecting-ip on every request, replacing any value the client sent. */
export function cloudflareClientAddress(request: Request): string | null {
  return request.headers.get('cf-connecting-ip');
}
