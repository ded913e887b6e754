// N1: probes for load balancers and orchestrators. Liveness says only that the process serves
// (restarting it would not help with a database outage); readiness says whether this instance
// can do its work: the database answers a real query, its schema is current, the key is loaded.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../services/context.js';
import { pendingMigrations } from '../../store/migrator.js';
import { problemBody, problemSchema } from '../problem.js';
import { objectSchema } from '../schemas.js';

/** A probe must answer in time even when the database hangs; a check slower than this fails. */
const checkTimeoutInMs = 2000;

export type ReadinessCheck = 'database' | 'migrations' | 'key';
export type ReadinessChecks = Record<ReadinessCheck, string>;

const checksSchema = {
  ...objectSchema({ database: { type: 'string' }, migrations: { type: 'string' }, key: { type: 'string' } }, ['database', 'migrations', 'key']),
  description: 'Each check: `ok`, or what failed.',
};

export function registerProbeRoutes(app: FastifyInstance, context: AppContext, options: { isShuttingDown?: () => boolean } = {}): void {
  app.get(
    '/livez',
    { config: { access: 'public' }, schema: { tags: ['system'], summary: 'N1 liveness: the process serves requests.', response: { 200: objectSchema({ status: { type: 'string', enum: ['ok'] } }, ['status']) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'N1 readiness: the database answers, its migrations are current and the server key is loaded; 503 with what failed.',
        response: {
          200: objectSchema({ status: { type: 'string', enum: ['ready'] }, checks: checksSchema }, ['status', 'checks']),
          503: { type: 'object', description: 'A problem (code `not_ready`) with the checks.', properties: { ...problemSchema.properties, checks: checksSchema }, required: [...problemSchema.required, 'checks'] },
        },
      },
    },
    async (_request, reply) => {
      const checks = await runReadinessChecks(context);
      const failed = Object.entries(checks).filter(([, result]) => result !== 'ok');
      const shuttingDown = options.isShuttingDown?.() ?? false;
      if (failed.length === 0 && !shuttingDown) return { status: 'ready' as const, checks };
      const detail = shuttingDown ? 'This instance is shutting down.' : failed.map(([name, result]) => `${name}: ${result}`).join('; ');
      return reply.code(503).type('application/problem+json; charset=utf-8').send({ ...problemBody('not_ready', detail), checks });
    },
  );
}

export async function runReadinessChecks(context: AppContext): Promise<ReadinessChecks> {
  const [database, migrations, key] = await Promise.all([
    check(async () => {
      await sql`select 1`.execute(context.db);
    }),
    check(async () => {
      const pending = await pendingMigrations(context.db);
      if (pending.length > 0) throw new Error(`${pending.length} pending (${pending.join(', ')}); run \`tessera migrate\``);
    }),
    check(async () => {
      // Sealing and opening proves the key is loaded and usable, not merely configured.
      const probe = 'tessera:readyz';
      if (context.secretBox.open(context.secretBox.seal(probe)) !== probe) throw new Error('the server key does not open what it sealed');
    }),
  ]);
  return { database, migrations, key };
}

/** `ok`, or a short reason; never waits longer than the probe may. */
async function check(run: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${checkTimeoutInMs} ms`), checkTimeoutInMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      run().then(
        () => 'ok',
        (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
