// A local stand-in for an Azure host's managed identity endpoint, as App
// Service exposes it (IDENTITY_ENDPOINT and IDENTITY_HEADER, read by
// @azure/identity's ManagedIdentityCredential, which botbuilder's
// UserAssignedMsi credentials use). Until the identity is `assigned` to the
// host it answers as Azure does then: 400, "Identity not found".
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ManagedIdentityRequest {
  /** The managed identity asked for (client_id). */
  clientId: string;
  /** The audience asked for (resource). */
  resource: string;
  /** Whether X-IDENTITY-HEADER carried the host's secret header value. */
  headerMatched: boolean;
}

export interface FakeManagedIdentity {
  /** What a process needs in its environment to use this endpoint. */
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Unset: every request is refused, 400 Identity not found (as before Azure assigns the identity to the host). */
  assigned: boolean;
  requests: ManagedIdentityRequest[];
  /** Tokens handed out, in order. */
  issued: string[];
  close(): Promise<void>;
}

export async function startFakeManagedIdentity({ clientId }: { clientId: string }): Promise<FakeManagedIdentity> {
  const header = `identity-header-${randomUUID()}`;
  const fake = { assigned: false, requests: [] as ManagedIdentityRequest[], issued: [] as string[] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request = {
      clientId: url.searchParams.get('client_id') ?? '',
      resource: url.searchParams.get('resource') ?? '',
      headerMatched: req.headers['x-identity-header'] === header,
    };
    fake.requests.push(request);
    res.setHeader('content-type', 'application/json');
    // The identity assigned to this host is the only one it gives tokens for.
    if (!fake.assigned || url.pathname !== '/msi/token' || request.clientId !== clientId || !request.headerMatched)
      return void res.writeHead(400).end(JSON.stringify({ statusCode: 400, message: 'Identity not found' }));
    const token = `fake-msi-token-${fake.issued.length + 1}-${randomUUID()}`;
    fake.issued.push(token);
    res.writeHead(200).end(
      JSON.stringify({
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: request.resource,
        token_type: 'Bearer',
        client_id: clientId,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`, IDENTITY_HEADER: header },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
