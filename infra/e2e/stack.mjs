// The local stack (make run's) for the end-to-end tests: the binary that
// run.sh builds from ./infra/local, on a free loopback port, with its own
// state folder under .local/e2e (a developer's .local is left alone), one
// simulated day per LOCAL_SFN_DAY (1 s) and registries that answer after
// REGISTRY_LATENCY (1.5 s: long enough to see the progress spin, well
// within the 5 simulated days after which a check stalls). Its log goes
// to .local/e2e/stack.log.
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = new URL('../..', import.meta.url).pathname;
export const out = join(root, '.local', 'e2e');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the stack; resolves to {url, stop} once it serves its web client. */
export async function startStack() {
  const port = await freePort();
  const state = join(out, 'stack');
  rmSync(state, { recursive: true, force: true });
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(join(out, 'stack.log'));
  const proc = spawn(join(out, 'portalid-local'), ['run', '-port', String(port)], {
    cwd: root,
    env: {
      ...process.env,
      LOCAL_STATE_DIR: state,
      LOCAL_SFN_DAY: process.env.LOCAL_SFN_DAY || '1s',
      REGISTRY_LATENCY: process.env.REGISTRY_LATENCY || '1500ms',
      PUBLIC_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  let exited = null;
  const done = new Promise((resolve) => proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));

  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM');
      await Promise.race([done, sleep(15000)]);
      if (!exited) proc.kill('SIGKILL');
    }
    await done;
    log.end();
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`the local stack exited (${JSON.stringify(exited)}); see .local/e2e/stack.log`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the local stack did not start within 120 s; see .local/e2e/stack.log');
    }
    await sleep(250);
  }
  return { url, stop };
}
