// Every `mailverdict <command>`: adding one is a file in this folder plus a line here.
import type { Command } from './command.js';
import { configCommand } from './config-check.js';
import { demoCommand } from './demo.js';
import { parseCommand } from './parse.js';
import { replayCommand } from './replay.js';
import { alertCommand, collectCommand, runCommand, workCommand } from './pipeline-roles.js';
import { setupCommand } from './setup.js';
import { statusCommand } from './status.js';

export const COMMANDS: readonly Command[] = [
  runCommand,
  collectCommand,
  workCommand,
  alertCommand,
  setupCommand,
  statusCommand,
  parseCommand,
  configCommand,
  replayCommand,
  demoCommand,
];
