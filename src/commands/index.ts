// The library's `mailverdict <command>`s: one-shot commands that need no long-running role. The binary's full
// list (with the role commands run/collect/work/alert and the demo) is assembled in workers/commands.ts.
import type { Command } from './command.js';
import { configCommand } from './config-check.js';
import { parseCommand } from './parse.js';
import { replayCommand } from './replay.js';
import { setupCommand } from './setup.js';
import { statusCommand } from './status.js';

export { configCommand, parseCommand, replayCommand, setupCommand, statusCommand };

export const LIBRARY_COMMANDS: readonly Command[] = [setupCommand, statusCommand, parseCommand, configCommand, replayCommand];
