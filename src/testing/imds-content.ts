/**
 * What the emulated EC2 instance metadata service answers: the paths cloud-init's Ec2 datasource
 * reads (dated API versions, the meta-data tree with its directory listings, user-data, the
 * instance identity document), built once per boot test from the instance's facts.
 */

export interface InstanceFacts {
  instanceId: string;
  amiId: string;
  hostname: string;
  /** The guest's address on its user-mode network and that network in CIDR form. */
  localIpv4: string;
  subnetCidr: string;
  mac: string;
  region: string;
  availabilityZone: string;
  instanceType: string;
  architecture: 'x86_64' | 'i386';
  /** OpenSSH public keys by name (public-keys/0=name). */
  publicKeys: { name: string; key: string }[];
  userData?: string;
}

/** API versions cloud-init probes (it takes the newest it knows that answers), oldest first. */
export const IMDS_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2008-02-01', '2009-04-04', '2011-01-01', '2016-09-02', '2018-09-24', '2021-03-23', 'latest'];

/** A tree node: a leaf's text, or a directory of named children. */
export type ImdsNode = string | { [name: string]: ImdsNode };

export function metaDataTree(f: InstanceFacts): ImdsNode {
  const keys: Record<string, ImdsNode> = {};
  f.publicKeys.forEach((k, i) => (keys[String(i)] = { 'openssh-key': `${k.key.trim()}\n` }));
  const iface = {
    'device-number': '0',
    'interface-id': `eni-${f.instanceId.slice(2)}`,
    'local-hostname': f.hostname,
    'local-ipv4s': f.localIpv4,
    mac: f.mac,
    'owner-id': '000000000000',
    'subnet-id': `subnet-${f.instanceId.slice(2, 10)}`,
    'subnet-ipv4-cidr-block': f.subnetCidr,
    'vpc-id': `vpc-${f.instanceId.slice(10, 18)}`,
    'vpc-ipv4-cidr-block': f.subnetCidr,
    'vpc-ipv4-cidr-blocks': f.subnetCidr,
  };
  return {
    'ami-id': f.amiId,
    'ami-launch-index': '0',
    'ami-manifest-path': '(unknown)',
    'block-device-mapping': { ami: '/dev/xvda', root: '/dev/xvda' },
    hostname: f.hostname,
    'instance-action': 'none',
    'instance-id': f.instanceId,
    'instance-life-cycle': 'on-demand',
    'instance-type': f.instanceType,
    'local-hostname': f.hostname,
    'local-ipv4': f.localIpv4,
    mac: f.mac,
    network: { interfaces: { macs: { [f.mac]: iface } } },
    placement: { 'availability-zone': f.availabilityZone, region: f.region },
    'public-keys': keys,
    'reservation-id': `r-${f.instanceId.slice(2)}`,
    'security-groups': 'default',
    services: { domain: 'amazonaws.com', partition: 'aws' },
  };
}

export function identityDocument(f: InstanceFacts, now = new Date()): string {
  return JSON.stringify(
    {
      accountId: '000000000000',
      architecture: f.architecture,
      availabilityZone: f.availabilityZone,
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: f.amiId,
      instanceId: f.instanceId,
      instanceType: f.instanceType,
      kernelId: null,
      pendingTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      privateIp: f.localIpv4,
      ramdiskId: null,
      region: f.region,
      version: '2017-09-30',
    },
    null,
    2,
  );
}

/**
 * Resolves `path` below a tree: a leaf's text, a directory's listing (children one per line,
 * directories with a trailing '/'; `public-keys/` lists `0=name` as IMDS does), or undefined.
 */
export function lookup(tree: ImdsNode, path: string, keyNames: string[] = []): string | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let node: ImdsNode = tree;
  const walked: string[] = [];
  for (const part of parts) {
    if (typeof node === 'string') return undefined;
    const child: ImdsNode | undefined = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    if (child === undefined) return undefined;
    node = child;
    walked.push(part);
  }
  if (typeof node === 'string') return node;
  if (walked.length === 1 && walked[0] === 'public-keys') return Object.keys(node).map((i) => `${i}=${keyNames[Number(i)] ?? i}`).join('\n');
  return Object.entries(node)
    .map(([name, child]) => (typeof child === 'string' ? name : `${name}/`))
    .join('\n');
}
