// Data files shipped beside the code (mappings/, dashboards/, demo/templates/) are found from the package
// root, so the same module finds them when it runs from src/ (tests, tsx) and from dist/src/ (the built CLI).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** Absolute path of a file or folder of the mailverdict package, e.g. packageFile('mappings'). */
export function packageFile(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
