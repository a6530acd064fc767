/**
 * Region names, checked before anything is read, hashed or built: against the partitions the AWS
 * SDK ships (its endpoint metadata for aws, aws-cn, aws-us-gov, …), through the SDK's own lookup
 * (`partition`), so kiln keeps no list of its own. Without this, a typo (us-esat-1) or an invented
 * region is found by the first call, after the whole image was hashed — or, in a drop, after every
 * image was built. With --endpoint-url any name passes: the endpoint decides what it serves.
 */
import { partition } from '@aws-sdk/core/client';

/** Characters a region may have when an endpoint of the user's own takes it. */
const ENDPOINT_REGION = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * What is wrong with `name` as the region of a call (undefined: nothing). The SDK's lookup gives a
 * region it lists its partition's data plus the region's own description; a name it does not
 * list gets only the partition's data. The `*-global` names are endpoint aliases, not regions.
 */
export function regionProblem(name: string, options: { endpointUrl?: string } = {}): string | undefined {
  if (options.endpointUrl) {
    return ENDPOINT_REGION.test(name) ? undefined : `'${name}' is not a region name (letters, digits and dashes)`;
  }
  const listed = partition(name) as { description?: string };
  if (listed.description !== undefined && !name.endsWith('-global')) return undefined;
  return `'${name}' is not an AWS region (kiln knows the regions of the AWS SDK it was built with)`;
}

export const REGION_HINT =
  'Regions look like us-east-1, eu-west-1, ap-southeast-2 (aws ec2 describe-regions lists those of your account). A region newer than this kiln needs a kiln update; with --endpoint-url (endpoint-url in a drop spec) any name goes to that endpoint.';
