import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireModelsLock, ModelsDirError } from '../src/ml/index.js';
import { collect, jsonLines, runCli, startCli } from './helpers/cli.js';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `mnist-tui-write-${prefix}-`));

/** The pid of a process that has just ended, so it is surely not running. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

/** Writes a lock as another run would have, naming `pid` on this host. */
function writeLock(dir: string, pid: number, started = '2026-01-01T00:00:00.000Z'): void {
  mkdirSync(dir, { recursive: true });
  const holder = { pid, host: hostname(), command: 'mnist-tui train cnn', started };
  writeFileSync(path.join(dir, '.lock'), JSON.stringify(holder));
}

const isModelsDirError = (message: RegExp) => (error: unknown) =>
  error instanceof ModelsDirError && message.test(error.message) && !error.message.includes('\n');

describe('models folder lock', () => {
  it('a second lock on the same folder is refused, naming the holder; released, it can be taken again', async () => {
    const dir = temp('lock');
    const lock = await acquireModelsLock(dir);
    const holder = JSON.parse(readFileSync(path.join(dir, '.lock'), 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.host, hostname());
    assert.ok(!Number.isNaN(Date.parse(holder.started)));
    await assert.rejects(
      acquireModelsLock(dir),
      isModelsDirError(new RegExp(`in use by another training run \\(pid ${process.pid}, since ${holder.started}\\)`)),
    );
    await lock.release();
    assert.deepEqual(readdirSync(dir), []);
    await (await acquireModelsLock(dir)).release();
  });

  it('a lock of a live process is kept, one of a dead process is recovered with a notice', async () => {
    const live = temp('live');
    writeLock(live, process.ppid);
    await assert.rejects(acquireModelsLock(live), isModelsDirError(new RegExp(`pid ${process.ppid}`)));
    const dead = temp('dead');
    const pid = await deadPid();
    writeLock(dead, pid);
    const notices: string[] = [];
    const lock = await acquireModelsLock(dead, (line) => notices.push(line));
    assert.equal(notices.length, 1);
    assert.match(
      notices[0]!,
      new RegExp(`removed a stale lock of .*: pid ${pid} \\(started .*\\) is no longer running`),
    );
    assert.equal(JSON.parse(readFileSync(path.join(dead, '.lock'), 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('a lock of another host is never taken over', async () => {
    const dir = temp('host');
    writeFileSync(
      path.join(dir, '.lock'),
      JSON.stringify({ pid: 1, host: 'elsewhere', command: 'x', started: 'then' }),
    );
    await assert.rejects(acquireModelsLock(dir), isModelsDirError(/pid 1 on elsewhere, since then/));
  });

  it('staging folders of dead processes are removed, those of live ones kept', async () => {
    const dir = temp('staging');
    const pid = await deadPid();
    for (const name of [
      `cnn.tmp-${pid}-0a1b2c3d`,
      `vae.tmp-${process.ppid}-0a1b2c3d`,
      'vae.tmp',
      'cnn.old',
      'names.json.tmp',
    ]) {
      mkdirSync(path.join(dir, name));
    }
    const lock = await acquireModelsLock(dir);
    assert.deepEqual(readdirSync(dir).sort(), [
      '.lock',
      'cnn.old',
      'names.json.tmp',
      `vae.tmp-${process.ppid}-0a1b2c3d`,
    ]);
    await lock.release();
  });
});

/** Whether this process may mount file systems (root in a container that allows it). */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = temp('mount');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('train into a models folder that cannot take the model', () => {
  const mounts: string[] = [];
  const mountable = canMount();
  const noMount = mountable ? false : 'needs root and mount permission for a small tmpfs';
  after(() => mounts.reverse().forEach((dir) => execFileSync('umount', [dir], { stdio: 'ignore' })));

  function tmpfs(options: string): string {
    const dir = temp('fs');
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  }

  /** Asserts a run ended with exit 1 and one line matching `message`, without training. */
  function assertRefusedBeforeTraining(result: Awaited<ReturnType<typeof runCli>>, message: RegExp): void {
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '', 'no epoch was trained');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, message);
  }

  const train = (modelsDir: string, ...extra: string[]) =>
    runCli([
      'train',
      'cnn',
      '--epochs',
      '1',
      '--limit',
      '256',
      '--backend',
      'wasm',
      '--models-dir',
      modelsDir,
      ...extra,
    ]);

  it('a file in place of the folder: one line, exit 1, before training', async () => {
    const file = path.join(temp('file'), 'models');
    writeFileSync(file, 'not a folder');
    assertRefusedBeforeTraining(await train(file), /^mnist-tui: cannot write to the models folder .*models: EEXIST \(/);
    assertRefusedBeforeTraining(
      await train(path.join(file, 'inner')),
      /^mnist-tui: cannot write to the models folder .*models\/inner: ENOTDIR \(a file stands where a folder is needed\)$/,
    );
  });

  it(
    'a folder without write permission: one line, exit 1, before training',
    {
      skip: process.getuid?.() === 0 ? 'root writes through permissions; the read-only mount test covers this' : false,
    },
    async () => {
      const dir = temp('readonly');
      chmodSync(dir, 0o555);
      assertRefusedBeforeTraining(
        await train(dir),
        /^mnist-tui: cannot write to the models folder .*: EACCES \(permission denied\)$/,
      );
    },
  );

  it('a read-only file system: one line, exit 1, before training', { skip: noMount }, async () => {
    const dir = tmpfs('size=1m,ro');
    assertRefusedBeforeTraining(
      await train(dir),
      /^mnist-tui: cannot write to the models folder .*: EROFS \(read-only file system\)$/,
    );
  });

  it(
    'a full disk during the save: one line, exit 1, staging folder removed, nothing else left',
    { skip: noMount },
    async () => {
      // Room for the lock, not for the 1.7 MB of CNN weights.
      const dir = tmpfs('size=512k');
      const result = await train(dir);
      assert.equal(result.code, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      const last = result.stderr.trim().split('\n').at(-1)!;
      assert.match(
        last,
        /^mnist-tui: .*cnn\.tmp-\d+-[0-9a-f]+\/.*: cannot save: ENOSPC \(no space left on the device\)$/,
      );
      assert.deepEqual(readdirSync(dir), [], 'neither the staging folder nor the lock is left');
      const json = await train(dir, '--json');
      assert.equal(json.code, 1);
      const error = jsonLines(json.stdout).at(-1)!;
      assert.equal(error.event, 'error');
      assert.match(String(error.message), /cannot save: ENOSPC/);
    },
  );
});

describe('two train runs into one models folder', () => {
  it('the second is refused at once naming the first; after the first is killed, the next run recovers its lock', async () => {
    const dir = temp('two');
    const first = startCli([
      'train',
      'vae',
      '--epochs',
      '50',
      '--limit',
      '500',
      '--backend',
      'wasm',
      '--json',
      '--models-dir',
      dir,
    ]);
    const firstDone = collect(first);
    await new Promise<void>((resolve) => {
      first.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"event":"epoch"')) resolve();
      });
    });
    // A short run, as the second and the third: the first's lock decides how each ends.
    const shortRun = ['train', 'vae', '--epochs', '1', '--limit', '256', '--backend', 'wasm', '--models-dir', dir];
    const second = await runCli(shortRun);
    assert.equal(second.code, 1, second.stderr);
    const lines = second.stderr.trim().split('\n');
    assert.equal(lines.length, 1, second.stderr);
    assert.match(
      lines[0]!,
      new RegExp(
        `^mnist-tui: .* is in use by another training run \\(pid ${first.pid}, since \\d{4}-.*\\); wait for it to end or stop it$`,
      ),
    );
    assert.equal(second.stdout, '');

    first.kill('SIGKILL');
    await firstDone;
    const third = await runCli([...shortRun, '--json']);
    assert.equal(third.code, 0, third.stderr);
    const events = jsonLines(third.stdout);
    assert.equal(events[0]?.event, 'notice');
    assert.match(
      String(events[0]?.message),
      new RegExp(`removed a stale lock of .*: pid ${first.pid} .* is no longer running`),
    );
    const metadata = JSON.parse(readFileSync(path.join(dir, 'vae', 'metadata.json'), 'utf8'));
    assert.deepEqual([metadata.trainImages, metadata.epochs], [256, 1], "the model is the third run's, whole");
    assert.deepEqual(readdirSync(dir).sort(), ['vae'], 'no lock, staging or previous copy left');
  });
});
