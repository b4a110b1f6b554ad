// @ts-check
/**
 * latchkey.js: Latchkey's browser client, one dependency-free ES module.
 *
 * The storage rule it keeps: the access token lives only in this module's closures (never in
 * localStorage, sessionStorage, IndexedDB or a readable cookie); the refresh token lives in the
 * httpOnly cookie Latchkey sets, which no script can read. The client refreshes on load, again
 * about a minute before the access token expires, once more on a 401, and never twice at once:
 * within a tab concurrent callers share one refresh, and across tabs the Web Locks API lets one
 * tab refresh while the others wait and then take its outcome (over a BroadcastChannel) instead
 * of refreshing again. Signing out in one tab signs out every tab.
 *
 * DPoP (RFC 9449): on first use the client creates a non-extractable P-256 key pair with WebCrypto
 * and keeps the key objects (never their bytes, which cannot be read) in IndexedDB, shared by the
 * origin's tabs. Every login and refresh carries a proof signed with it, so the session is bound
 * to this browser: a refresh cookie copied elsewhere is refused without the key. Access tokens the
 * server binds as well (token_type DPoP) are sent with the DPoP scheme and a proof per request.
 *
 * Serve it from Latchkey's own origin (it reads the CSRF cookie, which only that origin's
 * scripts can read): `<script type="module">import { createClient } from '/client/latchkey.js';`.
 * The API is documented in docs/browser-client.md.
 */

/**
 * @typedef {object} ClientOptions
 * @property {string} [baseUrl] Where Latchkey answers, e.g. `https://example.com` or
 *   `https://example.com/auth-service`; this page's origin by default.
 * @property {string} [csrfCookieName] `latchkey.cookie.csrf.name` of the server (`__Host-latchkey-csrf`).
 * @property {number} [refreshLeewaySeconds] Refresh this long before the access token expires (60).
 * @property {number} [expiryWarningSeconds] Dispatch `sessionExpiring` this long before the session ends (120).
 * @property {boolean} [refreshOnLoad] Refresh at once to find a session this browser already has (true).
 * @property {boolean} [dpop] Bind the session to a key of this browser with DPoP proofs (true where
 *   WebCrypto and IndexedDB exist).
 */

/**
 * @typedef {object} TokenResponse
 * @property {string} access_token
 * @property {string} token_type
 * @property {number} expires_in
 * @property {number} session_expires_at seconds since the epoch: the session's absolute end
 * @property {number} session_idle_expires_at seconds since the epoch: its end unless refreshed before
 */

/**
 * @typedef {{status: 'signed-in', user: Record<string, unknown>}
 *   | {status: 'mfa-required', expiresIn: number}} LoginOutcome
 */

/** An answer from Latchkey other than success, carrying its problem details (RFC 9457). */
export class LatchkeyError extends Error {
  /**
   * @param {number} status
   * @param {{type?: string, title?: string, detail?: string}} problem
   */
  constructor(status, problem) {
    super(problem.detail || problem.title || `Latchkey answered ${status}`);
    this.name = 'LatchkeyError';
    this.status = status;
    this.problem = problem;
  }
}

/** setTimeout takes at most 2^31-1 ms; a remembered session lasts longer than that. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a tab that waited for another tab's refresh waits for that tab's answer to arrive. */
const SHARED_OUTCOME_WAIT_MS = 2000;
/** Where the DPoP key pair is kept: one database per origin, one record per Latchkey base URL. */
export const DPOP_KEY_DATABASE = 'latchkey-dpop';
const DPOP_KEY_STORE = 'keys';

/** @param {ArrayBuffer | Uint8Array} bytes */
function base64Url(bytes) {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {unknown} value */
const base64UrlJson = (value) => base64Url(new TextEncoder().encode(JSON.stringify(value)));

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function settled(request) {
  return new Promise((done, fail) => {
    request.onsuccess = () => done(request.result);
    request.onerror = () => fail(request.error);
  });
}

/** @returns {Promise<IDBDatabase>} */
function openKeyDatabase() {
  const opening = indexedDB.open(DPOP_KEY_DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(DPOP_KEY_STORE);
  return settled(opening);
}

/**
 * This origin's key pair for one Latchkey, created on first use. Under a lock, so that two tabs
 * opened at once cannot each create one and bind the session to whichever signed in first.
 * @param {string} scope
 * @returns {Promise<{privateKey: CryptoKey, publicJwk: JsonWebKey}>}
 */
async function loadOrCreateKey(scope) {
  const inLock = async () => {
    const database = await openKeyDatabase();
    try {
      const read = database.transaction(DPOP_KEY_STORE).objectStore(DPOP_KEY_STORE);
      const stored = await settled(read.get(scope));
      if (stored) {
        return stored;
      }
      // Not extractable: no script, this one included, can ever read the private key's bytes.
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
      const created = { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } };
      const write = database.transaction(DPOP_KEY_STORE, 'readwrite').objectStore(DPOP_KEY_STORE);
      await settled(write.put(created, scope));
      return created;
    } finally {
      database.close();
    }
  };
  return navigator.locks ? navigator.locks.request(`${scope}:dpop-key`, inLock) : inLock();
}

/**
 * @param {ClientOptions} [options]
 */
export function createClient(options = {}) {
  const base = new URL(options.baseUrl || window.location.origin, window.location.href);
  const basePath = base.pathname.replace(/\/$/, '');
  const csrfCookieName = options.csrfCookieName || '__Host-latchkey-csrf';
  const refreshLeewayMs = 1000 * (options.refreshLeewaySeconds ?? 60);
  const expiryWarningMs = 1000 * (options.expiryWarningSeconds ?? 120);
  const scope = `latchkey:${base.origin}${basePath}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(scope) : null;
  const dpopEnabled = options.dpop !== false && typeof indexedDB !== 'undefined' && Boolean(crypto.subtle);
  /** @type {Promise<{privateKey: CryptoKey, publicJwk: JsonWebKey}> | null} */ let dpopKey = null;
  /** The last DPoP-Nonce Latchkey sent, if it uses nonces. */
  /** @type {string | null} */ let dpopNonce = null;
  /**
   * Latchkey's clock minus this browser's, from the Date header of its answers: a proof's iat is
   * checked to within seconds, and a device's clock can be minutes off.
   */
  let serverClockOffsetMs = 0;

  // The session as this tab knows it. Nothing here is reachable from outside this closure.
  /** @type {string | null} */ let accessToken = null;
  /** 'DPoP' when Latchkey bound the access token to the key as well: then every use needs a proof. */
  let accessTokenType = 'Bearer';
  /** @type {Record<string, any> | null} */ let claims = null;
  let accessExpiresAtMs = 0;
  let sessionEndsAtMs = 0;
  /** @type {Promise<boolean> | null} */ let refreshInFlight = null;
  /** @type {string | null} */ let mfaToken = null;
  /** Each token this tab takes, its own or another tab's, moves this on. */
  let tokenVersion = 0;
  /** @type {Map<string, (body: TokenResponse) => void>} */ const awaitedShares = new Map();
  /** Outcomes other tabs shared, kept briefly in case this tab asks for one after it arrived. */
  /** @type {Map<string, TokenResponse>} */ const receivedShares = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let refreshTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let warningTimer;

  /** @param {string} path */
  const url = (path) => `${base.origin}${basePath}${path}`;

  /**
   * @param {string} type
   * @param {Record<string, unknown>} [detail]
   */
  function dispatch(type, detail = {}) {
    client.dispatchEvent(new CustomEvent(type, { detail }));
  }

  function csrfToken() {
    const prefix = `${csrfCookieName}=`;
    const cookie = document.cookie.split('; ').find((c) => c.startsWith(prefix));
    return cookie ? cookie.slice(prefix.length) : null;
  }

  /** @param {string} token */
  function decodeClaims(token) {
    // For display only: the server verified the token, and the client trusts nothing in it.
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  }

  /** @param {Response} response */
  async function problemOf(response) {
    const problem = await response.json().catch(() => ({}));
    return new LatchkeyError(response.status, problem && typeof problem === 'object' ? problem : {});
  }

  /**
   * @param {TokenResponse} body
   * @param {string | null} shareId when this tab obtained the token: the id under which other tabs get it
   */
  function take(body, shareId) {
    const wasSignedIn = accessToken !== null;
    accessToken = body.access_token;
    accessTokenType = body.token_type === 'DPoP' ? 'DPoP' : 'Bearer';
    claims = decodeClaims(body.access_token);
    accessExpiresAtMs = Date.now() + 1000 * body.expires_in;
    sessionEndsAtMs = 1000 * Math.min(body.session_expires_at, body.session_idle_expires_at);
    tokenVersion += 1;
    schedule();
    if (shareId && channel) {
      channel.postMessage({ type: 'token', id: shareId, body });
    }
    if (!wasSignedIn) {
      dispatch('signedIn', { user: { ...claims } });
    }
  }

  /** @param {string} reason */
  function forget(reason) {
    const wasSignedIn = accessToken !== null;
    accessToken = null;
    claims = null;
    mfaToken = null;
    clearTimeout(refreshTimer);
    clearTimeout(warningTimer);
    if (wasSignedIn) {
      dispatch('signedOut', { reason });
    }
  }

  /**
   * Arms a timer for a moment that may lie further ahead than setTimeout can wait.
   * @param {number} atMs
   * @param {() => void} action
   * @returns {ReturnType<typeof setTimeout>}
   */
  function timerAt(atMs, action) {
    const delay = Math.max(0, atMs - Date.now());
    // Too far ahead: wake up before then and arm both timers again.
    return delay > MAX_TIMER_MS ? setTimeout(schedule, MAX_TIMER_MS) : setTimeout(action, delay);
  }

  function schedule() {
    clearTimeout(refreshTimer);
    clearTimeout(warningTimer);
    const refreshAtMs = accessExpiresAtMs - refreshLeewayMs;
    // A refresh after the session's end would be refused anyway.
    if (refreshAtMs < sessionEndsAtMs) {
      refreshTimer = timerAt(refreshAtMs, () => { refresh(); });
    }
    const warnAtMs = sessionEndsAtMs - expiryWarningMs;
    warningTimer = timerAt(warnAtMs, () => {
      dispatch('sessionExpiring', {
        expiresAt: new Date(sessionEndsAtMs),
        secondsLeft: Math.max(0, Math.round((sessionEndsAtMs - Date.now()) / 1000)),
      });
    });
  }

  /**
   * One refresh at a time in this tab: concurrent callers share the one in flight.
   * @returns {Promise<boolean>} whether this tab holds a fresh access token afterwards
   */
  function refresh() {
    if (!refreshInFlight) {
      refreshInFlight = refreshAcrossTabs().finally(() => { refreshInFlight = null; });
    }
    return refreshInFlight;
  }

  async function refreshAcrossTabs() {
    const versionWhenAsked = tokenVersion;
    const askedAtMs = Date.now();
    /** @returns {Promise<boolean>} */
    const underLock = async () => {
      // Another tab refreshed while this one waited: take its outcome instead of refreshing again,
      // which would rotate the refresh token a second time for nothing.
      if (tokenVersion !== versionWhenAsked && accessToken) {
        return true;
      }
      const shared = lastShared();
      if (shared && shared.atMs >= askedAtMs) {
        const body = await awaitShare(shared.id);
        if (body) {
          if (tokenVersion === versionWhenAsked) {
            take(body, null);
          }
          return true;
        }
      }
      return refreshNow();
    };
    if (navigator.locks) {
      return navigator.locks.request(scope, underLock);
    }
    return underLock();
  }

  /**
   * The id and time of the last refresh any tab made. Neither is a secret: the outcome itself,
   * token included, only ever travels over the BroadcastChannel, in memory.
   * @returns {{id: string, atMs: number} | null}
   */
  function lastShared() {
    try {
      const value = JSON.parse(localStorage.getItem(`${scope}:last-refresh`) || 'null');
      return value && typeof value.id === 'string' && typeof value.atMs === 'number' ? value : null;
    } catch {
      return null;
    }
  }

  /**
   * @param {string} id
   * @returns {Promise<TokenResponse | null>}
   */
  function awaitShare(id) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { awaitedShares.delete(id); resolve(null); }, SHARED_OUTCOME_WAIT_MS);
      awaitedShares.set(id, (body) => { clearTimeout(timer); awaitedShares.delete(id); resolve(body); });
      const early = receivedShares.get(id);
      if (early) {
        awaitedShares.get(id)?.(early);
      }
    });
  }

  /**
   * A DPoP proof for one request (RFC 9449 section 4.2).
   * @param {string} method
   * @param {string} target the request's URL; its query and fragment are left out of htu
   * @param {string | null} boundAccessToken the access token the request carries, when it is bound
   */
  async function proof(method, target, boundAccessToken) {
    dpopKey ??= loadOrCreateKey(scope);
    const { privateKey, publicJwk } = await dpopKey;
    const htu = new URL(target, window.location.href);
    htu.search = '';
    htu.hash = '';
    /** @type {Record<string, unknown>} */
    const claimsOfProof = {
      jti: crypto.randomUUID(),
      htm: method,
      htu: htu.href,
      iat: Math.floor((Date.now() + serverClockOffsetMs) / 1000),
    };
    if (dpopNonce) {
      claimsOfProof.nonce = dpopNonce;
    }
    if (boundAccessToken) {
      claimsOfProof.ath = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(boundAccessToken)));
    }
    const signingInput = `${base64UrlJson({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })}.${base64UrlJson(claimsOfProof)}`;
    // WebCrypto's ECDSA signature is r and s side by side, which is what JWS ES256 wants.
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey,
      new TextEncoder().encode(signingInput));
    return `${signingInput}.${base64Url(signature)}`;
  }

  /**
   * Learns Latchkey's clock and nonce from an answer.
   * @param {Response} response
   * @returns {boolean} whether either changed enough that a refused proof deserves one more try
   */
  function learnFrom(response) {
    let worthRetrying = false;
    const nonce = response.headers.get('DPoP-Nonce');
    if (nonce && nonce !== dpopNonce) {
      dpopNonce = nonce;
      worthRetrying = true;
    }
    const serverDate = Date.parse(response.headers.get('Date') || '');
    if (!Number.isNaN(serverDate)) {
      // The Date header has whole seconds: keep the estimate unless it is off by more than that.
      const offset = serverDate + 500 - Date.now();
      if (Math.abs(offset - serverClockOffsetMs) > 2000) {
        worthRetrying = true;
      }
      if (Math.abs(offset - serverClockOffsetMs) > 1000) {
        serverClockOffsetMs = offset;
      }
    }
    return worthRetrying;
  }

  /**
   * A request to Latchkey, with a DPoP proof when the client binds sessions. A proof refused for a
   * stale nonce, or for a clock that turned out to be off, is made again once with what the answer
   * taught; nothing else is retried.
   * @param {string} target
   * @param {RequestInit & {method: string}} init
   * @returns {Promise<Response>}
   */
  async function sendToLatchkey(target, init) {
    const withProof = async () => {
      const headers = new Headers(init.headers);
      if (dpopEnabled) {
        headers.set('DPoP', await proof(init.method, target, null));
      }
      return fetch(target, { ...init, headers });
    };
    const response = await withProof();
    const taught = learnFrom(response);
    if (dpopEnabled && taught && await refusedTheProof(response)) {
      return withProof();
    }
    return response;
  }

  /**
   * Whether Latchkey refused the request's DPoP proof (rather than, say, its password): only such
   * a refusal is retried, so a wrong password is never counted twice.
   * @param {Response} response
   */
  async function refusedTheProof(response) {
    if (response.status !== 400 && response.status !== 401) {
      return false;
    }
    const problem = await response.clone().json().catch(() => ({}));
    return typeof problem.type === 'string'
      && (problem.type.endsWith(':invalid-dpop-proof') || problem.type.endsWith(':use-dpop-nonce'));
  }

  async function refreshNow() {
    const csrf = csrfToken();
    if (!csrf) {
      // No CSRF cookie, no session: Latchkey sets both at sign-in and deletes both at sign-out.
      forget('no-session');
      return false;
    }
    let response;
    try {
      response = await sendToLatchkey(url('/auth/refresh'), {
        method: 'POST',
        credentials: 'include',
        headers: { 'X-CSRF-Token': csrf },
      });
    } catch (error) {
      dispatch('refreshFailed', { reason: 'network', error });
      return false;
    }
    if (response.ok) {
      const shareId = crypto.randomUUID();
      const body = /** @type {TokenResponse} */ (await response.json());
      take(body, shareId);
      try {
        localStorage.setItem(`${scope}:last-refresh`, JSON.stringify({ id: shareId, atMs: Date.now() }));
      } catch {
        // Storage may be off; the other tabs then refresh for themselves, which is still correct.
      }
      return true;
    }
    const failure = await problemOf(response);
    dispatch('refreshFailed', { reason: 'refused', status: response.status, problem: failure.problem });
    // 401: the session has ended (logout elsewhere, expiry, reuse detected). Anything else (a
    // CSRF or origin refusal, a rate limit, a server error) leaves the current token as it is.
    if (response.status === 401) {
      forget('session-ended');
    }
    return false;
  }

  /**
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   * @returns {Promise<Request>}
   */
  async function withToken(input, init = {}) {
    const request = new Request(input, init);
    if (accessToken) {
      request.headers.set('Authorization', `${accessTokenType} ${accessToken}`);
      if (accessTokenType === 'DPoP') {
        request.headers.set('DPoP', await proof(request.method, request.url, accessToken));
      }
    }
    return request;
  }

  /**
   * fetch() with the access token: refreshes first when the token is missing or about to expire,
   * and once more on a 401, then retries once. Never loops.
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async function authorizedFetch(input, init) {
    if (!accessToken || Date.now() >= accessExpiresAtMs - 5000) {
      await refresh();
    }
    const original = new Request(input, init);
    const usedVersion = tokenVersion;
    const first = await sendWithToken(original);
    if (first.status !== 401) {
      return first;
    }
    // Another caller may have refreshed already while this request was out.
    const fresh = tokenVersion !== usedVersion || await refresh();
    return fresh ? sendWithToken(original) : first;
  }

  /**
   * One request with the access token. When the token is bound and Latchkey refuses the proof for
   * a nonce it has since replaced (or a clock it shows to be off), the proof is made again once, as
   * RFC 9449 section 8 intends: a stale nonce is no reason to rotate the refresh token.
   * @param {Request} original left unread, so that it can be sent again
   * @returns {Promise<Response>}
   */
  async function sendWithToken(original) {
    const response = await fetch(await withToken(original.clone()));
    // Another server's nonce and clock are not Latchkey's.
    if (accessTokenType !== 'DPoP' || new URL(response.url || original.url).origin !== base.origin) {
      return response;
    }
    if (learnFrom(response) && await refusedTheProof(response)) {
      return fetch(await withToken(original.clone()));
    }
    return response;
  }

  /**
   * @param {string} path
   * @param {Record<string, unknown>} body
   */
  function postJson(path, body) {
    return sendToLatchkey(url(path), {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /**
   * @param {Response} response
   * @returns {Promise<LoginOutcome>}
   */
  async function signedInOrChallenged(response) {
    if (!response.ok) {
      throw await problemOf(response);
    }
    const body = await response.json();
    if (body.mfa_required) {
      mfaToken = body.mfa_token;
      return { status: 'mfa-required', expiresIn: body.expires_in };
    }
    mfaToken = null;
    take(body, crypto.randomUUID());
    return { status: 'signed-in', user: { ...claims } };
  }

  if (channel) {
    channel.onmessage = (event) => {
      const message = event.data;
      if (message?.type === 'token') {
        receivedShares.set(message.id, message.body);
        setTimeout(() => receivedShares.delete(message.id), SHARED_OUTCOME_WAIT_MS);
        take(message.body, null);
        awaitedShares.get(message.id)?.(message.body);
      } else if (message?.type === 'signed-out') {
        forget(message.reason);
      }
    };
  }

  /** @param {string} reason */
  function signOutEverywhereLocally(reason) {
    forget(reason);
    channel?.postMessage({ type: 'signed-out', reason });
  }

  class LatchkeyClient extends EventTarget {
    /**
     * @param {string} email
     * @param {string} password
     * @param {{rememberMe?: boolean}} [options]
     * @returns {Promise<LoginOutcome>}
     */
    async login(email, password, options = {}) {
      return signedInOrChallenged(await postJson('/auth/login',
        { email, password, remember_me: Boolean(options.rememberMe) }));
    }

    /**
     * The second step of a sign-in: six digits from the authenticator app, or a recovery code.
     * @param {string} code
     * @returns {Promise<LoginOutcome>}
     */
    async completeMfa(code) {
      if (!mfaToken) {
        throw new LatchkeyError(400, { detail: 'No sign-in is waiting for a second factor.' });
      }
      const field = /^\d{6}$/.test(code) ? 'code' : 'recovery_code';
      return signedInOrChallenged(await postJson('/auth/login/mfa', { mfa_token: mfaToken, [field]: code }));
    }

    /** Ends this browser's session, in every tab. */
    async logout() {
      /** @type {Record<string, string>} */
      const headers = {};
      const csrf = csrfToken();
      if (csrf) {
        headers['X-CSRF-Token'] = csrf;
      }
      // A bound access token would need a proof of its own; the refresh cookie identifies the
      // session as well.
      if (accessToken && accessTokenType === 'Bearer') {
        headers.Authorization = `Bearer ${accessToken}`;
      }
      try {
        const response = await fetch(url('/auth/logout'), { method: 'POST', credentials: 'include', headers });
        if (!response.ok) {
          throw await problemOf(response);
        }
      } finally {
        signOutEverywhereLocally('logout');
      }
    }

    /** Ends every session of this user, on every device. */
    async logoutEverywhere() {
      const response = await authorizedFetch(url('/auth/logout-all'), { method: 'POST', credentials: 'include' });
      if (!response.ok) {
        throw await problemOf(response);
      }
      signOutEverywhereLocally('logout-everywhere');
    }

    /**
     * @param {RequestInfo | URL} input
     * @param {RequestInit} [init]
     */
    fetch(input, init) {
      return authorizedFetch(input, init);
    }

    /** The access token's claims, decoded for display only; null when signed out. */
    getUser() {
      return claims ? { ...claims } : null;
    }

    /** Whether a refresh has succeeded since sign-in (or the last refresh) and not been undone. */
    isSignedIn() {
      return accessToken !== null;
    }

    /** @returns {Promise<Array<Record<string, unknown>>>} the user's live sessions */
    async sessions() {
      const response = await authorizedFetch(url('/auth/sessions'));
      if (!response.ok) {
        throw await problemOf(response);
      }
      return (await response.json()).sessions;
    }

    /** @param {string} id one of the user's sessions; this browser's own signs every tab out */
    async endSession(id) {
      const response = await authorizedFetch(url(`/auth/sessions/${encodeURIComponent(id)}`), { method: 'DELETE' });
      if (!response.ok) {
        throw await problemOf(response);
      }
      if (claims && claims.sid === id) {
        signOutEverywhereLocally('session-ended');
      }
    }

    /** Refreshes now (single-flight, as every refresh). @returns {Promise<boolean>} */
    refresh() {
      return refresh();
    }
  }

  const client = new LatchkeyClient();
  /** Settles once the refresh on load (if any) is done: true when a session was found. */
  const ready = options.refreshOnLoad === false ? Promise.resolve(false) : refresh();
  return Object.assign(client, { ready });
}
