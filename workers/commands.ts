// Every `mailverdict <command>`: the role commands that run processes (workers/) and the library's one-shot
// commands (src/commands/). Adding one is a file plus a line here.
import type { Command } from '../src/commands/command.js';
import { configCommand, parseCommand, replayCommand, setupCommand, statusCommand } from '../src/commands/index.js';
import { demoCommand } from './demo-command.js';
import { alertCommand, collectCommand, runCommand, workCommand } from './role-commands.js';

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
