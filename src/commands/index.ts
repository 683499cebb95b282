// Every `mailverdict <command>`: adding one is a file in this folder plus a line here.
import type { Command } from './command.js';
import { configCommand } from './config-check.js';
import { parseCommand } from './parse.js';

export const COMMANDS: readonly Command[] = [
  parseCommand,
  configCommand,
];
