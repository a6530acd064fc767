/** The `publish:` section of a drop spec (EC2 today) and its `test:` setting. */
import type { Node } from 'yaml';
import { didYouMean } from '../template/kickstart/diagnostics.js';
import type { DropPublish, DropPublishEc2, DropTest, RegionCheck } from './drop-spec-types.js';
import { placeholdersIn, TAG_PLACEHOLDERS } from './placeholders.js';
import type { YamlReader } from './yaml-reader.js';

export function readPublish(r: YamlReader, node: Node | null, regionProblem: RegionCheck): DropPublish | undefined {
  const f = r.map(node, 'publish', { optional: ['ec2'] });
  if (!f) return undefined;
  if (!f.has('ec2')) return {};
  const ec2 = readEc2(r, f.get('ec2')!, regionProblem);
  return ec2 ? { ec2 } : undefined;
}

function readEc2(r: YamlReader, node: Node | null, regionProblem: RegionCheck): DropPublishEc2 | undefined {
  const f = r.map(node, 'publish.ec2', { required: ['regions'], optional: ['public', 'tags', 'endpoint-url', 'profile'] });
  if (!f) return undefined;
  const endpointUrl = f.has('endpoint-url') ? r.text(f.get('endpoint-url')!, 'publish.ec2.endpoint-url', { pattern: /^https?:\/\/\S+$/, expect: 'an http(s) URL' }) : undefined;
  const regions = r.textList(f.get('regions') ?? null, 'publish.ec2.regions');
  let regionsOk = regions !== undefined;
  for (const reg of regions ?? []) {
    // With endpoint-url the endpoint decides which region names it serves.
    const problem = regionProblem(reg.value, { endpointUrl: f.has('endpoint-url') ? (endpointUrl ?? 'given') : undefined });
    if (problem) {
      r.problem(reg.node, `publish.ec2.regions: ${problem}`);
      regionsOk = false;
    }
  }
  const isPublic = f.has('public') ? r.bool(f.get('public')!, 'publish.ec2.public') : false;
  const tags = f.has('tags') ? r.textMap(f.get('tags')!, 'publish.ec2.tags') : { value: {}, keys: new Map<string, Node | null>() };
  let tagsOk = tags !== undefined;
  for (const [key, value] of Object.entries(tags?.value ?? {})) {
    if (/^(aws|kiln):/i.test(key) || key.length > 128) {
      r.problem(tags!.keys.get(key), `publish.ec2.tags: '${key}' cannot be a tag key (1 to 128 characters; aws: and kiln: are reserved)`);
      tagsOk = false;
    }
    for (const name of placeholdersIn(value)) {
      if (!(TAG_PLACEHOLDERS as readonly string[]).includes(name)) {
        r.problem(tags!.keys.get(key), `publish.ec2.tags.${key}: unknown placeholder {${name}}${didYouMean(name, TAG_PLACEHOLDERS)}; known: ${TAG_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
        tagsOk = false;
      }
    }
  }
  const profile = f.has('profile') ? r.text(f.get('profile')!, 'publish.ec2.profile') : undefined;
  if (!regionsOk || isPublic === undefined || !tagsOk || (f.has('endpoint-url') && !endpointUrl) || (f.has('profile') && !profile)) return undefined;
  return {
    regions: regions!.map((x) => x.value),
    public: isPublic,
    tags: tags!.value,
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(profile ? { profile } : {}),
  };
}

export function readTest(r: YamlReader, node: Node | null): DropTest | undefined {
  const value = r.text(node, 'test');
  if (value === undefined) return undefined;
  if (value !== 'boot' && value !== 'none') return r.problem(node, `test must be boot or none, not '${value}'`);
  return value;
}
