/** Golden files for what the targets generate (test/targets/golden/…): prep scripts, appliance descriptors. */
import { goldenFiles } from '../golden.js';

const golden = goldenFiles('targets');
export const GOLDEN_DIR = golden.dir;
export const expectGolden = golden.expect;
