/** Every built-in command, in the order --help lists them. One module per command. */
import type { CommandSpec } from '../command.js';
import { applianceCommand } from './appliance.js';
import { buildCommand } from './build.js';
import { doctorCommand } from './doctor.js';
import { dropCommand } from './drop.js';
import { imagesCommand } from './images.js';
import { ksCommand } from './ks.js';
import { kojiCommand } from './koji.js';
import { logsCommand } from './logs.js';
import { publishCommand } from './publish.js';
import { targetCommand } from './target.js';
import { testCommand } from './test.js';

export const commands: CommandSpec[] = [doctorCommand, buildCommand, targetCommand, testCommand, applianceCommand, dropCommand, imagesCommand, logsCommand, publishCommand, kojiCommand, ksCommand];
