/**
 * An emulated EC2 instance metadata service, as cloud-init's Ec2 datasource uses it: IMDSv2
 * session tokens (PUT /latest/api/token with a TTL header; GETs carry the token, and without one
 * are refused when tokens are required, as on an instance launched with HttpTokens=required),
 * the dated API versions, the meta-data tree with directory listings, user-data and the instance
 * identity document; anything else is a 404. Every request is recorded, so a test can show the
 * guest read its SSH key from here.
 */
import { randomBytes } from 'node:crypto';
import { IMDS_VERSIONS, identityDocument, lookup, metaDataTree, type ImdsNode, type InstanceFacts } from './imds-content.js';

export interface ImdsRequest {
  method: string;
  /** The request target (path and query). */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

export interface ImdsResponse {
  status: number;
  body: string;
  contentType?: string;
}

export interface ServedRequest {
  method: string;
  path: string;
  status: number;
}

const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const MAX_TTL_S = 21_600;

export class MetadataService {
  readonly served: ServedRequest[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly tree: ImdsNode;
  private readonly keyNames: string[];

  constructor(
    readonly facts: InstanceFacts,
    private readonly options: { requireToken: boolean; now?: () => number } = { requireToken: true },
  ) {
    this.tree = metaDataTree(facts);
    this.keyNames = facts.publicKeys.map((k) => k.name);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  handle(req: ImdsRequest): ImdsResponse {
    const response = this.answer(req);
    this.served.push({ method: req.method, path: req.path, status: response.status });
    return response;
  }

  /** Whether the guest asked for an SSH public key. */
  servedPublicKey(): boolean {
    return this.served.some((r) => r.status === 200 && /\/meta-data\/public-keys\/\d+\/openssh-key$/.test(r.path));
  }

  private answer(req: ImdsRequest): ImdsResponse {
    const path = req.path.split('?')[0]!;
    if (path === '/latest/api/token') return this.token(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, body: 'Method Not Allowed' };
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined) {
      const expires = this.tokens.get(token);
      if (expires === undefined || expires < this.now()) return { status: 401, body: 'Unauthorized' };
    } else if (this.options.requireToken) {
      return { status: 401, body: 'Unauthorized' };
    }
    if (path === '/') return ok(IMDS_VERSIONS.join('\n'));
    const [version, section, ...rest] = path.slice(1).split('/');
    if (!version || !IMDS_VERSIONS.includes(version)) return notFound();
    const sub = rest.join('/');
    switch (section) {
      case undefined:
      case '':
        return ok(['dynamic', 'meta-data', ...(this.facts.userData !== undefined ? ['user-data'] : [])].join('\n'));
      case 'meta-data': {
        const text = lookup(this.tree, sub, this.keyNames);
        return text === undefined ? notFound() : ok(text);
      }
      case 'user-data':
        return sub === '' && this.facts.userData !== undefined ? ok(this.facts.userData, 'application/octet-stream') : notFound();
      case 'dynamic': {
        const dynamic: ImdsNode = { 'instance-identity': { document: identityDocument(this.facts) } };
        const text = lookup(dynamic, sub);
        return text === undefined ? notFound() : ok(text, sub.endsWith('document') ? 'application/json' : undefined);
      }
      default:
        return notFound();
    }
  }

  private token(req: ImdsRequest): ImdsResponse {
    if (req.method !== 'PUT') return { status: 405, body: 'Method Not Allowed' };
    // IMDS refuses token requests that went through a proxy.
    if (req.headers['x-forwarded-for'] !== undefined) return { status: 403, body: 'Forbidden' };
    const ttl = Number(req.headers[TTL_HEADER]);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) return { status: 400, body: 'Bad Request' };
    const token = randomBytes(33).toString('base64');
    this.tokens.set(token, this.now() + ttl * 1000);
    return ok(token);
  }
}

function ok(body: string, contentType = 'text/plain'): ImdsResponse {
  return { status: 200, body, contentType };
}

function notFound(): ImdsResponse {
  return { status: 404, body: 'Not Found' };
}
