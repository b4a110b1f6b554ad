// Starts the built latchkey.war in Payara Micro, as `mvn -Prun` does, for the browser tests: the
// real server, real H2 (in memory), real HTTP and cookies on 127.0.0.1, and real SMTP: GreenMail's
// standalone server, read through its REST API. Needs `mvn package` (or `mvn verify`) to have
// built target/latchkey.war and copied target/payara-micro/payara-micro.jar and
// target/greenmail/greenmail-standalone.jar.
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
 * Starts a Java program and waits until a URL of it answers 200.
 * @param {string[]} args
 * @param {string} work a directory for its log
 * @param {string} name
 * @param {string} readyUrl
 */
async function startJava(args, work, name, readyUrl) {
  const log = join(work, `${name}.log`);
  const output = openSync(log, 'w');
  const child = spawn('java', args, { cwd: work, stdio: ['ignore', output, output] });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (exited) {
      throw new Error(`${name} stopped during startup; see ${log}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready after 300 s; see ${log}`);
    }
    try {
      if ((await fetch(readyUrl)).ok) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 500));
  }
  return {
    log,
    stop: () => /** @type {Promise<void>} */ (new Promise((done) => {
      if (exited) {
        done();
        return;
      }
      child.on('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    })),
  };
}

/**
 * GreenMail and Latchkey, which delivers its mail to it. Latchkey runs with its defaults where
 * they matter to a browser: e-mail verification required, remember me, DPoP accepted.
 * @param {Record<string, string>} [overrides] settings on top of those, e.g. a stricter DPoP
 * @returns {Promise<{baseUrl: string, mailUrl: string, log: string, stop: () => Promise<void>}>}
 */
export async function startLatchkey(overrides = {}) {
  const war = join(root, 'target', 'latchkey.war');
  const micro = join(root, 'target', 'payara-micro', 'payara-micro.jar');
  const greenmail = join(root, 'target', 'greenmail', 'greenmail-standalone.jar');
  for (const file of [war, micro, greenmail]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run mvn package first`);
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'latchkey-browser-'));
  const smtpPort = await freePort();
  const mailPort = await freePort();
  const mailUrl = `http://127.0.0.1:${mailPort}`;
  const mail = await startJava([`-Dgreenmail.smtp.hostname=127.0.0.1`, `-Dgreenmail.smtp.port=${smtpPort}`,
    '-Dgreenmail.auth.disabled', '-Dgreenmail.api.hostname=127.0.0.1', `-Dgreenmail.api.port=${mailPort}`,
    '-jar', greenmail], work, 'greenmail', `${mailUrl}/api/service/readiness`);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const settings = {
    'latchkey.public-url': baseUrl,
    'latchkey.datasource.class-name': 'org.h2.jdbcx.JdbcDataSource',
    'latchkey.datasource.url': 'jdbc:h2:mem:latchkey-browser;DB_CLOSE_DELAY=-1',
    'latchkey.datasource.user': 'sa',
    'latchkey.keys.directory': join(work, 'keys'),
    'latchkey.mail.smtp.host': '127.0.0.1',
    'latchkey.mail.smtp.port': String(smtpPort),
    'latchkey.mail.smtp.tls': 'none',
    'latchkey.mail.retry.first-delay-seconds': '1',
    'latchkey.mail.retry.max-delay-seconds': '2',
    'latchkey.mail.poll-interval-seconds': '1',
    'latchkey.password.bcrypt.cost': '10',
    'latchkey.metrics.scrape-clients': `${METRICS_CLIENT}:${METRICS_CLIENT_HASH}`,
    // Every tab of every test shares 127.0.0.1; the limiter stays on, with room for the tests.
    'latchkey.ratelimit.login.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.register.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.refresh.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.password.per-ip-per-minute': '1000000',
    'latchkey.ratelimit.account-mail.per-ip-per-minute': '1000000',
    ...overrides,
  };
  const args = ['-Xmx512m', ...Object.entries(settings).map(([key, value]) => `-D${key}=${value}`),
    '-jar', micro, '--nocluster', '--port', String(port), '--contextroot', '/',
    '--prebootcommandfile', join(root, 'server-config', 'payara', 'pre-boot-commands.asadmin'),
    '--deploy', war];
  let latchkey;
  try {
    latchkey = await startJava(args, work, 'latchkey', `${baseUrl}/health/ready`);
  } catch (error) {
    await mail.stop();
    throw error;
  }
  return {
    baseUrl,
    mailUrl,
    log: latchkey.log,
    stop: async () => {
      await latchkey.stop();
      await mail.stop();
    },
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
 * Decodes the text/plain part of a raw MIME message (quoted-printable, base64 or plain).
 * @param {string} mime
 */
function plainText(mime) {
  const part = mime.split(/\r?\n--/).find((section) => /content-type:\s*text\/plain/i.test(section)) ?? mime;
  const [headers, ...body] = part.split(/\r?\n\r?\n/);
  const text = body.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
      'latin1').toString('utf8');
  }
  return text;
}

/**
 * Waits for the mail that arrives at an address and whose subject matches, and returns the link
 * in it that contains `#token=`.
 * @param {string} mailUrl
 * @param {string} address
 * @param {RegExp} subject
 */
export async function mailedLink(mailUrl, address, subject) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${mailUrl}/api/user/${encodeURIComponent(address)}/messages/INBOX`);
    if (response.ok) {
      for (const message of /** @type {{subject: string, mimeMessage: string}[]} */ (await response.json())) {
        const link = subject.test(message.subject) ? plainText(message.mimeMessage).match(/https?:\/\/\S+#token=[A-Za-z0-9_-]+/) : null;
        if (link) {
          return link[0];
        }
      }
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`no mail matching ${subject} reached ${address} within 30 s`);
}

/**
 * Registers an account through the API and verifies it through the mailed link, as its owner
 * would (the page's own request, without a browser).
 * @param {{baseUrl: string, mailUrl: string}} server
 */
export async function newAccount(server) {
  const email = `browser-${crypto.randomUUID()}@example.test`;
  const password = `correct horse ${crypto.randomUUID()}`;
  const registered = await fetch(`${server.baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (registered.status >= 300) {
    throw new Error(`registration answered ${registered.status}: ${await registered.text()}`);
  }
  const token = new URL(await mailedLink(server.mailUrl, email, /confirm|verify/i)).hash.slice('#token='.length);
  const verified = await fetch(`${server.baseUrl}/auth/email/verify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (verified.status !== 204) {
    throw new Error(`verification answered ${verified.status}: ${await verified.text()}`);
  }
  return { email, password };
}
