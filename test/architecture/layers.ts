/**
 * The layering of ../STYLE (the project's style guide), as dependency-cruiser rules the test
 * command holds: cli → pipeline → {template, installers, targets, compose, testing, appliance,
 * image, store} → core; targets → {image, providers}; reporters → core; only pipeline, testing and
 * appliance touch hypervisor, through its index; hypervisor imports nothing of src; installers and
 * targets never import each other; one module per outside tool binding.
 *
 * Arrows the guide does not draw, allowed here on purpose:
 * - testing → pipeline's guest state machine (guest-machine, guest-run): a boot test watches its
 *   guest with the machine an install uses (the pipeline owns it), not a second copy.
 * - testing → installers/failure-patterns (the matcher, not a driver), appliance (a boot test boots
 *   an appliance from its descriptor), targets/types and image (the output it boots).
 * - compose → targets/types (target names are a drop spec's vocabulary) and template (guest
 *   templates a spec names, and the shared "did you mean" helper).
 * - installers → template (the ImageSpec they install) and store/record (the inputs and packages
 *   a driver records); targets → store (the base image they start from).
 * - providers → image (checksums and sparse reads of the image they upload).
 */
import type { IForbiddenRuleType } from 'dependency-cruiser';

const SRC = (...dirs: string[]) => `^src/(${dirs.join('|')})/`;
const MIDDLE = ['template', 'installers', 'targets', 'compose', 'testing', 'appliance', 'image', 'store', 'providers'];

export const LAYER_RULES: IForbiddenRuleType[] = [
  { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
  { name: 'hypervisor-is-its-own-layer', comment: 'nothing in hypervisor/ imports src/', severity: 'error', from: { path: '^hypervisor/' }, to: { path: '^src/' } },
  {
    name: 'hypervisor-through-its-index',
    comment: 'only pipeline, testing and appliance touch the hypervisor, and only through hypervisor/index.ts',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^hypervisor/', pathNot: '^hypervisor/index\\.ts$' },
  },
  { name: 'who-touches-hypervisor', severity: 'error', from: { path: '^src/', pathNot: SRC('pipeline', 'testing', 'appliance') }, to: { path: '^hypervisor/' } },
  { name: 'cli-is-the-top', comment: 'nothing below the CLI imports it', severity: 'error', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
  { name: 'core-is-the-bottom', severity: 'error', from: { path: '^src/core/' }, to: { path: '^src/', pathNot: '^src/core/' } },
  { name: 'reporters-read-events-only', severity: 'error', from: { path: '^src/reporters/' }, to: { path: '^src/', pathNot: SRC('reporters', 'core') } },
  { name: 'store-and-image-stand-on-core', severity: 'error', from: { path: SRC('store', 'image') }, to: { path: '^src/', pathNot: SRC('store', 'image', 'core') } },
  {
    name: 'middle-never-reaches-up',
    comment: 'the layer under the pipeline does not import it (but for the guest state machine, see above)',
    severity: 'error',
    from: { path: SRC(...MIDDLE) },
    to: { path: SRC('pipeline', 'reporters'), pathNot: '^src/pipeline/guest-(machine|run)\\.ts$' },
  },
  { name: 'guest-machine-for-boot-tests-only', severity: 'error', from: { path: SRC(...MIDDLE), pathNot: '^src/testing/' }, to: { path: '^src/pipeline/' } },
  { name: 'installers-and-targets-apart', severity: 'error', from: { path: SRC('installers') }, to: { path: SRC('targets') } },
  { name: 'targets-and-installers-apart', severity: 'error', from: { path: SRC('targets') }, to: { path: SRC('installers') } },
  { name: 'execa-in-core-run-only', severity: 'error', from: { pathNot: '^src/core/run\\.ts$' }, to: { path: 'node_modules/execa/' } },
  { name: 'aws-sdk-in-providers-aws-only', comment: 'the AWS SDK and its smithy runtime', severity: 'error', from: { pathNot: '^src/providers/aws/' }, to: { path: 'node_modules/@(aws-sdk|smithy)/' } },
  { name: 'koffi-in-hypervisor-libvirt-only', severity: 'error', from: { pathNot: '^hypervisor/libvirt/' }, to: { path: 'node_modules/koffi/' } },
];
