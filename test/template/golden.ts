/** Golden files for generated kickstarts (test/template/golden/…). */
import { goldenFiles } from '../golden.js';

export const expectGolden = goldenFiles('template').expect;
