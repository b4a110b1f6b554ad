// Starts the built latchkey.war in Payara Micro, as `mvn -Prun` does, for the browser tests: the
// real server, real H2 (in memory), real HTTP and cookies on 127.0.0.1. Needs `mvn package` (or
// `mvn verify`) to have built target/latchkey.war and unpacked target/payara-micro/payara-micro.jar.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The scraper the server is configured with, to count refreshes from /metrics as an operator would. */
export const METRICS_CLIENT = 'prometheus';
const METRICS_SECRET = 'it-prometheus-secret-do-not-use-anywhere-else';
const METRICS_CLIENT_HASH = 'ngG44Mmuv4WeF-ijTd8FjMrUNprEMvXLr3zp45AVvqY';

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => done(port));
    });
  });
}

/**
 * @returns {Promise<{baseUrl: string, log: string, stop: () => Promise<void>}>}
 */
export async function startLatchkey() {
  const war = join(root, 'target', 'latchkey.war');
  const micro = join(root, 'target', 'payara-micro', 'payara-micro.jar');
  for (const file of [war, micro]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run mvn package first`);
    }
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const work = mkdtempSync(join(tmpdir(), 'latchkey-browser-'));
  const log = join(work, 'latchkey.log');
  const output = openSync(log, 'w');
  const settings = {
    'latchkey.public-url': baseUrl,
    'latchkey.datasource.class-name': 'org.h2.jdbcx.JdbcDataSource',
    'latchkey.datasource.url': 'jdbc:h2:mem:latchkey-browser;DB_CLOSE_DELAY=-1',
    'latchkey.datasource.user': 'sa',
    'latchkey.keys.directory': join(work, 'keys'),
    'latchkey.account.require-verified-email': 'false',
    'latchkey.password.bcrypt.cost': '10',
    'latchkey.metrics.scrape-clients': `${METRICS_CLIENT}:${METRICS_CLIENT_HASH}`,
    // Every tab of every test shares 127.0.0.1; the limiter stays on, with room for the tests.
    'latchkey.ratelimit.login.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.register.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.refresh.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.password.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.account-mail.per-ip-per-minute': '1000000',
  };
  const args = ['-Xmx512m', ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
    '-jar', micro, '--nocluster', '--port', String(port), '--contextroot', '/',
    '--prebootcommandfile', join(root, 'server-config', 'payara', 'pre-boot-commands.asadmin'),
    '--deploy', war];
  const server = spawn('java', args, { cwd: work, stdio: ['ignore', output, output] });
  let exited = false;
  server.on('exit', () => { exited = true; });

  const deadline = Date.now() + 300_000;
  for (;;) {
    if (exited) {
      throw new Error(`Latchkey stopped during startup; see ${log}`);
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`Latchkey not ready after 300 s; see ${log}`);
    }
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 500));
  }

  return {
    baseUrl,
    log,
    stop: () => new Promise((done) => {
      if (exited) {
        done();
        return;
      }
      server.on('exit', () => done());
      server.kill('SIGTERM');
      setTimeout(() => server.kill('SIGKILL'), 20_000).unref();
    }),
  };
}

/**
 * A counter of /metrics, read as the configured scraper.
 * @param {string} baseUrl
 * @param {string} name e.g. latchkey_refreshes_total
 * @param {string} outcome the value of its outcome tag
 */
export async function counter(baseUrl, name, outcome) {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: { Authorization: `Basic ${Buffer.from(`${METRICS_CLIENT}:${METRICS_SECRET}`).toString('base64')}` },
  });
  if (!response.ok) {
    throw new Error(`/metrics answered ${response.status}`);
  }
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`outcome="${outcome}"`));
  if (!line) {
    throw new Error(`no ${name} with outcome ${outcome} in /metrics`);
  }
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Registers an account through the API (the server under test does not require verification).
 * @param {string} baseUrl
 */
export async function newAccount(baseUrl) {
  const email = `browser-${crypto.randomUUID()}@example.test`;
  const password = `correct horse ${crypto.randomUUID()}`;
  const response = await fetch(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status >= 300) {
    throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  }
  return { email, password };
}
