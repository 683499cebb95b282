// The binary's command list: names and summaries listed without loading the modules must match the modules.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../workers/commands.js';
import { main, version } from '../../../workers/cli.js';
import type { CommandIo } from '../../../src/commands/command.js';
import { Readable } from 'node:stream';

function capture(): { io: CommandIo; out: () => string } {
  let out = '';
  return { io: { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (out += t) }, stdin: () => Readable.from([]), env: {} }, out: () => out };
}

describe('command list', () => {
  it('lists each command under the name and summary its module has', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name, entry.name).toBe(entry.name);
      expect(command.summary, entry.name).toBe(entry.summary);
    }
  });

  it('prints the package version for --version', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.out()).toBe(`mailverdict ${version()}\n`);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
