// The sign-in storm: members with authenticators all sign in at once (the start of a working day):
// each sends its password, then a fresh valid code with the challenge cookie it got. Every member
// has its own connection and its own client address (X-Forwarded-For through TRUST_PROXY), as a
// crowd of browsers would. Meanwhile one client asks GET /healthz, one request after the other,
// to show how responsive the server stays.
import { Agent } from 'node:http';
import { generateTotp } from '../src/core/totp.js';
import { nodeHmac } from '../src/security/hmac.js';
import { cookieFrom, percentile, round, send } from './measure.js';
import type { SeededSignIn } from './seed-two-factor.js';

export interface StormResult {
  database: string;
  members: number;
  totalSeconds: number;
  signedIn: number;
  failures: string[];
  /** 503 busy answers to the password step (each retried after its Retry-After). */
  busyAnswers: number;
  /** Requests sent again after a kept-alive connection was reset. */
  connectionResets: number;
  passwordStep: { p50: number; p99: number };
  secondStep: { p50: number; p99: number };
  health: { count: number; p50: number; p99: number; max: number };
}

function clientAddress(index: number, block: number): string {
  return `10.${block}.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

export async function signInStorm(options: { database: string; base: string; members: SeededSignIn[]; password: string; addressBlock: number }): Promise<StormResult> {
  const { base, members, password } = options;
  const crowd = new Agent({ keepAlive: true, maxSockets: Infinity });
  const prober = new Agent({ keepAlive: true, maxSockets: 1 });
  const passwordTimes: number[] = [];
  const secondStepTimes: number[] = [];
  const healthTimes: number[] = [];
  const failures: string[] = [];
  let running = true;
  let connectionResets = 0;
  // A kept-alive connection the server closed while the member waited is reset on reuse; a
  // browser then sends the request again on a new connection, and so does the member here.
  const sendAgain = async (method: string, url: string, headers: Record<string, string>, body: string) => {
    try {
      return await send(crowd, method, url, headers, body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
      connectionResets++;
      return send(crowd, method, url, headers, body);
    }
  };

  const probing = (async () => {
    while (running) {
      const started = performance.now();
      const answer = await send(prober, 'GET', `${base}/healthz`).catch(() => undefined);
      healthTimes.push(performance.now() - started);
      if (answer?.status !== 200) failures.push(`healthz ${answer?.status ?? 'error'}`);
    }
  })();

  const started = performance.now();
  let signedIn = 0;
  let busyAnswers = 0;
  await Promise.all(
    members.map(async (member, index) => {
      const headers = { 'content-type': 'application/json', 'x-forwarded-for': clientAddress(index, options.addressBlock) };
      try {
        // A full password-hash queue answers 503 busy with Retry-After (never a queue without
        // end): the member's app waits that long, plus a random share to spread the retries, and
        // tries again. The password step's time is the member's: from the first try to the answer.
        let t0 = performance.now();
        let login = await sendAgain('POST', `${base}/api/v1/auth/login`, headers, JSON.stringify({ email: member.email, password }));
        while (login.status === 503) {
          busyAnswers++;
          const retryAfterInSeconds = Number(login.headers['retry-after'] ?? 1);
          await new Promise((resolve) => setTimeout(resolve, retryAfterInSeconds * 1000 * (1 + Math.random())));
          login = await sendAgain('POST', `${base}/api/v1/auth/login`, headers, JSON.stringify({ email: member.email, password }));
        }
        passwordTimes.push(performance.now() - t0);
        const challenge = cookieFrom(login, 'tessera_challenge');
        if (login.status !== 200 || !challenge) throw new Error(`password step ${login.status} ${login.body.slice(0, 120)}`);
        t0 = performance.now();
        const second = await sendAgain('POST', `${base}/api/v1/auth/two-factor`, { ...headers, cookie: challenge }, JSON.stringify({ code: generateTotp(nodeHmac, member.secret, Date.now()) }));
        secondStepTimes.push(performance.now() - t0);
        if (second.status !== 200 || !cookieFrom(second, 'tessera_session')) throw new Error(`second step ${second.status} ${second.body.slice(0, 120)}`);
        signedIn++;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }),
  );
  const totalSeconds = (performance.now() - started) / 1000;
  running = false;
  await probing;
  crowd.destroy();
  prober.destroy();

  const stats = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
  };
  const health = stats(healthTimes);
  return {
    database: options.database,
    members: members.length,
    totalSeconds: round(totalSeconds),
    signedIn,
    failures: [...new Set(failures)].slice(0, 5),
    busyAnswers,
    connectionResets,
    passwordStep: stats(passwordTimes),
    secondStep: stats(secondStepTimes),
    health: { count: healthTimes.length, ...health },
  };
}
