// Local stand-ins for Microsoft's two identity services, so real Bot Framework
// authentication runs without the internet:
// - the channel's token issuer: an OpenID document and its JWKS (plain http on
//   loopback), whose RSA key signs the tokens tests put on activities;
// - the bot's sign-in authority (https, as MSAL insists): an OpenID document and
//   a client-credentials token endpoint that issues the bearer tokens Trellis
//   must put on every reply.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCert } from './self-signed-cert.js';

export interface TokenRequest {
  clientId: string;
  /** Whether the client secret matched the app password the fake was given. */
  secretMatched: boolean;
  scope: string;
  grantType: string;
}

export interface FakeMicrosoftIdentity {
  /** Trellis's settings pointing at the fakes (ValidateAuthority=false: no instance discovery at Microsoft). */
  env: Record<string, string>;
  /** The `iss` the issuer signs with. */
  issuer: string;
  kid: string;
  /** Signs claims (defaults: this issuer, the app id as audience, valid now for an hour) as RS256 with the issuer's key, or `key`. */
  token(claims?: Record<string, unknown>, options?: { key?: KeyObject; kid?: string; alg?: 'RS256' | 'none' }): string;
  /** Bearer tokens handed out by the token endpoint, in order. */
  issued: string[];
  tokenRequests: TokenRequest[];
  /** The authority's self-signed certificate: trust it as an operator would with NODE_EXTRA_CA_CERTS. */
  ca: string;
  close(): Promise<void>;
}

const SCOPE = 'https://api.botframework.test';
const TENANT = 'trellis-test-tenant';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))));
const json = (res: ServerResponse, status: number, body: unknown) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c.length + raw.length < 65_536 ? c : ''));
    req.on('end', () => resolve(raw));
  });

export async function startFakeMicrosoftIdentity({ appId, appPassword }: { appId: string; appPassword: string }): Promise<FakeMicrosoftIdentity> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `trellis-test-${randomUUID()}`;
  const issued: string[] = [];
  const tokenRequests: TokenRequest[] = [];

  const issuerServer = createHttpServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration')
      return json(res, 200, { issuer, jwks_uri: `${issuerBase}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    // Bot Framework's keys carry endorsements: the channels a key may sign for.
    if (req.url === '/keys')
      return json(res, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] });
    json(res, 404, { error: 'not_found' });
  });
  const issuerBase = `http://127.0.0.1:${await listen(issuerServer)}`;
  const issuer = `${issuerBase}/`;

  const { cert, key } = selfSignedCert();
  const authorityServer = createHttpsServer({ cert, key }, (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'GET' && path.endsWith('/.well-known/openid-configuration')) {
      const base = `${authorityBase}/${TENANT}`;
      return json(res, 200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'token'],
      });
    }
    if (req.method === 'POST' && path === `/${TENANT}/oauth2/v2.0/token`) {
      void readBody(req).then((raw) => {
        const form = new URLSearchParams(raw);
        const request = {
          clientId: form.get('client_id') ?? '',
          secretMatched: form.get('client_secret') === appPassword,
          scope: form.get('scope') ?? '',
          grantType: form.get('grant_type') ?? '',
        };
        tokenRequests.push(request);
        if (request.clientId !== appId || !request.secretMatched || request.grantType !== 'client_credentials')
          return json(res, 401, { error: 'invalid_client' });
        const accessToken = `fake-bot-token-${issued.length + 1}-${randomUUID()}`;
        issued.push(accessToken);
        json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  const authorityBase = `https://127.0.0.1:${await listen(authorityServer)}`;

  const token: FakeMicrosoftIdentity['token'] = (claims = {}, options = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: issuer, aud: appId, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
    const alg = options.alg ?? 'RS256';
    const head = `${b64({ alg, typ: 'JWT', kid: options.kid ?? kid })}.${b64(payload)}`;
    return alg === 'none' ? `${head}.` : `${head}.${sign('sha256', Buffer.from(head), options.key ?? privateKey).toString('base64url')}`;
  };

  return {
    env: {
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: appPassword,
      MicrosoftAppType: 'MultiTenant',
      ToBotFromChannelOpenIdMetadataUrl: `${issuerBase}/.well-known/openid-configuration`,
      ToBotFromChannelTokenIssuer: issuer,
      ToChannelFromBotLoginUrl: `${authorityBase}/${TENANT}`,
      ToChannelFromBotOAuthScope: SCOPE,
      ValidateAuthority: 'false',
    },
    issuer,
    kid,
    token,
    issued,
    tokenRequests,
    ca: cert,
    close: async () => {
      for (const server of [issuerServer, authorityServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
