/** Every built-in command, in the order --help lists them. One module per command. */
import type { CommandSpec } from '../command.js';

export const commands: CommandSpec[] = [];
