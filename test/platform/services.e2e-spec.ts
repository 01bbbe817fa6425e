import type { Type } from '@nestjs/common';
import type { HttpAppOptions } from '@trace/http';
import { createTestEnvironment, startTestApp, TestEnvironment } from '@trace/testing';
import { DataSource } from 'typeorm';
import { DispensingApiModule } from '../../apps/dispensing-api/src/dispensing-api.module';
import { DISPENSING_API_HTTP } from '../../apps/dispensing-api/src/http-options';
import { INGEST_API_HTTP } from '../../apps/ingest-api/src/http-options';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { LEDGER_WRITER_HTTP } from '../../apps/ledger-writer/src/http-options';
import { LedgerWriterModule } from '../../apps/ledger-writer/src/ledger-writer.module';
import { REGULATOR_API_HTTP } from '../../apps/regulator-api/src/http-options';
import { RegulatorApiModule } from '../../apps/regulator-api/src/regulator-api.module';
import { WAREHOUSE_API_HTTP } from '../../apps/warehouse-api/src/http-options';
import { WarehouseApiModule } from '../../apps/warehouse-api/src/warehouse-api.module';

const SERVICES: [string, Type<unknown>, HttpAppOptions][] = [
  ['ingest-api', IngestApiModule, INGEST_API_HTTP],
  ['warehouse-api', WarehouseApiModule, WAREHOUSE_API_HTTP],
  ['dispensing-api', DispensingApiModule, DISPENSING_API_HTTP],
  ['regulator-api', RegulatorApiModule, REGULATOR_API_HTTP],
  ['ledger-writer', LedgerWriterModule, LEDGER_WRITER_HTTP],
];

describe('every service: health, metrics, OpenAPI, request ids, problem+json', () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await createTestEnvironment();
  });
  afterAll(() => env?.teardown());

  describe.each(SERVICES)('%s', (name, module, opts) => {
    it('answers live and ready (database and Redis), metrics and its OpenAPI document', async () => {
      const t = await startTestApp(env.cfg, module, opts);
      try {
        await t.http.get('/health/live').expect(200, { status: 'ok' });
        const ready = await t.http.get('/health/ready').expect(200);
        expect(ready.body.status).toBe('ok');
        expect(ready.body.info.database.status).toBe('up');
        expect(ready.body.info.redis).toMatchObject({ status: 'up' });
        expect(ready.body.info.redis.ledgerQueue).toHaveProperty('waiting');

        // Its sessions write evicted pages out early, not in the kernel's bursts (ADR 0015).
        const [session] = await t.app.get(DataSource).query('SHOW backend_flush_after');
        expect(session.backend_flush_after).toBe('256kB');

        const metrics = await t.http.get('/metrics').expect(200);
        expect(metrics.text).toContain(`process_cpu_seconds_total{service="${name}"}`);

        const doc = await t.http.get('/docs-json').expect(200);
        expect(doc.body.openapi).toMatch(/^3\./);
        expect(doc.body.info.title).toBe(`trace-ledger ${name}`);
        await t.http.get('/docs').redirects(1).expect(200);

        const unknown = await t.http
          .get('/v1/no-such-route')
          .set('X-Request-Id', 'req-123')
          .expect(404);
        expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(unknown.headers['x-request-id']).toBe('req-123');
        expect(unknown.body).toMatchObject({
          code: 'NOT_FOUND',
          status: 404,
          requestId: 'req-123',
        });
        // helmet's headers are present
        expect(unknown.headers['x-content-type-options']).toBe('nosniff');
      } finally {
        await t.close();
      }
    });
  });

  it('puts every regulator-api route behind @Roles or @Public (closed by default)', async () => {
    const t = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    try {
      const doc = (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [path, methods] of Object.entries(doc.paths)) {
        if (path.startsWith('/health') || path.startsWith('/metrics')) continue;
        // Public by design (api.md): the signed checkpoints and the verification key.
        if (/^\/v1\/ledger\/(checkpoint|checkpoints\/\{treeSize\}|key)$/.test(path)) continue;
        for (const method of Object.keys(methods)) {
          const res = await (
            t.http as unknown as Record<string, (p: string) => Promise<{ status: number }>>
          )[method](path.replace(/\{[^}]+\}/g, 'X'));
          expect([401]).toContain(res.status);
        }
      }
    } finally {
      await t.close();
    }
  });

  it('keeps Bull Board for admins only', async () => {
    const t = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    try {
      await t.http.get('/admin/queues').expect(401);
      await t.http
        .get('/admin/queues')
        .set('Authorization', t.bearer('r', 'REG', 'regulator'))
        .expect(403);
      const ok = await t.http
        .get('/admin/queues')
        .set('Authorization', t.bearer('a', 'REG', 'admin'))
        .expect(200);
      expect(ok.text).toContain('trace-ledger queues');
    } finally {
      await t.close();
    }
  });
});
