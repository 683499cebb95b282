// The pipeline's processes as a deployment runs them: `node bin/mailverdict.js collect|work|listen -c cfg.yaml`,
// each a separate child. The CLI is compiled first from HEAD's src/ into a private copy (bench/tmp/build:
// src/ and dist/ of HEAD, bin/, mappings → ../../mappings) so a half-edited src/ of a colleague or a
// concurrent `npm run build` cannot change what runs, and the shared dist/ is left alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface BuiltCli {
  /** bin/mailverdict.js of the private build. */
  bin: string;
  /** The commit whose src/ was compiled. */
  commit: string;
  seconds: number;
}

/**
 * Compiles the committed src/ and workers/ of HEAD (not the working tree, where colleagues may be mid-edit)
 * into bench/tmp/<dirName> (another bench may be running from bench/tmp/build).
 */
export function buildCli(repoRoot: string, patch?: string, dirName = 'build'): BuiltCli {
  const t0 = performance.now();
  const root = join(repoRoot, 'bench', 'tmp', dirName);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'bin'), { recursive: true });
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const archive = execFileSync('git', ['archive', '--format=tar', commit, 'src', 'workers', 'tsconfig.json', 'tsconfig.build.json'], { cwd: repoRoot, maxBuffer: 256 * 2 ** 20 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  // Experiments: a diff against HEAD (paths a/src/…) applied to the private copy only.
  if (patch !== undefined) execFileSync('patch', ['-p1', '-s', '-d', root, '-i', patch]);
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json'), '--sourceMap', 'false'], {
      cwd: root, stdio: 'pipe', encoding: 'utf8',
    });
  } catch (err) {
    // Type errors elsewhere still emit JavaScript; only a missing CLI is fatal.
    if (!existsSync(join(root, 'dist', 'workers', 'cli.js'))) throw err;
    const out = String((err as { stdout?: unknown }).stdout ?? '').split('\n').slice(0, 5).join('\n');
    console.warn(`pipeline bench: tsc reported errors (JavaScript emitted anyway):\n${out}`);
  }
  copyFileSync(join(repoRoot, 'bin', 'mailverdict.js'), join(root, 'bin', 'mailverdict.js'));
  symlinkSync(join(repoRoot, 'mappings'), join(root, 'mappings'));
  return { bin: join(root, 'bin', 'mailverdict.js'), commit, seconds: (performance.now() - t0) / 1000 };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  role: string;
  process: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
}

export function startRole(bin: string, role: 'collect' | 'work' | 'listen', configFile: string, logFile: string, nodeArgs: readonly string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, bin, role, '-c', configFile], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error(`could not start mailverdict ${role}`);
  return { role, process: child, pid: child.pid, exited };
}

/** SIGTERM (graceful), then SIGKILL after `graceMs`. Only our own child, by its pid. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.process.exitCode;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}
