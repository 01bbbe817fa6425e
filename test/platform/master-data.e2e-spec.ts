import { createTestEnvironment, startTestApp, TestApp, TestEnvironment } from '@trace/testing';
import { REGULATOR_API_HTTP } from '../../apps/regulator-api/src/http-options';
import { RegulatorApiModule } from '../../apps/regulator-api/src/regulator-api.module';

const VALID_GTIN = '09506000134352'; // GS1's published example GTIN-14
const BAD_GTIN = '09506000134353';

describe('master data on regulator-api (auth, validation, conflicts)', () => {
  let env: TestEnvironment;
  let t: TestApp;
  let admin: string;
  let regulator: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    t = await startTestApp(env.cfg, RegulatorApiModule, REGULATOR_API_HTTP);
    admin = t.bearer('ada', 'REG', 'admin');
    regulator = t.bearer('reg-1', 'REG', 'regulator');
  });
  afterAll(async () => {
    await t?.close();
    await env?.teardown();
  });

  it('has the REG organisation right after migration, so a first admin token works', async () => {
    const res = await t.http.get('/v1/organisations/REG').set('Authorization', admin).expect(200);
    expect(res.body).toMatchObject({ code: 'REG', type: 'REGULATOR' });
  });

  it('builds the reference data of an import and lists it with paging', async () => {
    for (const org of [
      { code: 'IMP-1', name: 'Importer One', type: 'IMPORTER' },
      { code: 'BW-1', name: 'Bonded warehouse', type: 'BONDED_WAREHOUSE' },
      { code: 'HOSP-A', name: 'Hospital A', type: 'HOSPITAL' },
      { code: 'HOSP-B', name: 'Hospital B', type: 'HOSPITAL' },
    ]) {
      await t.http.post('/v1/organisations').set('Authorization', admin).send(org).expect(201);
    }
    await t.http
      .post('/v1/locations')
      .set('Authorization', regulator)
      .send({ code: 'BW-1-COLD', organisationCode: 'BW-1', name: 'Cold room' })
      .expect(201);
    const product = await t.http
      .post('/v1/products')
      .set('Authorization', regulator)
      .send({
        gtin: VALID_GTIN,
        name: 'Test biologic',
        kind: 'DRUG',
        gcpLength: 7,
        dosageForm: 'solution for injection',
        route: 'SUBCUTANEOUS',
        storageMinC: 2,
        storageMaxC: 8,
      })
      .expect(201);
    expect(product.body).toMatchObject({ gtin: VALID_GTIN, status: 'ACTIVE', storageMaxC: 8 });

    const approval = await t.http
      .post('/v1/approvals')
      .set('Authorization', regulator)
      .send({
        approvalNo: 'HNMPA-T-0001',
        gtin: VALID_GTIN,
        institutionCode: 'HOSP-A',
        indications: ['severe asthma'],
        quantity: 20,
        validFrom: '2026-01-01',
        validTo: '2027-12-31',
      })
      .expect(201);
    expect(approval.body).toMatchObject({ used: 0, remaining: 20, issuedBy: 'reg-1' });

    const page = await t.http
      .get('/v1/organisations?page=2&pageSize=2')
      .set('Authorization', admin)
      .expect(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page.body.items.map((o: { code: string }) => o.code)).toEqual(['HOSP-B', 'IMP-1']);

    const one = await t.http
      .get('/v1/approvals/HNMPA-T-0001')
      .set('Authorization', t.bearer('ph-1', 'HOSP-A', 'pharmacist'))
      .expect(200);
    expect(one.body.remaining).toBe(20);
  });

  it('refuses a GTIN with a wrong check digit with 400 problem+json and stores nothing', async () => {
    const res = await t.http
      .post('/v1/products')
      .set('Authorization', regulator)
      .send({
        gtin: BAD_GTIN,
        name: 'X',
        kind: 'DRUG',
        gcpLength: 7,
        dosageForm: 'x',
        route: 'ORAL',
      })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'gtin', code: 'CHECK_DIGIT' })]),
    );
    await t.http.get(`/v1/products/${BAD_GTIN}`).set('Authorization', admin).expect(404);
  });

  it('answers 409 ALREADY_EXISTS for a duplicate code', async () => {
    const res = await t.http
      .post('/v1/organisations')
      .set('Authorization', admin)
      .send({ code: 'HOSP-A', name: 'Another', type: 'HOSPITAL' })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'ALREADY_EXISTS', status: 409 });
    const kept = await t.http.get('/v1/organisations/HOSP-A').set('Authorization', admin);
    expect(kept.body.name).toBe('Hospital A');
  });

  it('refuses unknown fields, missing fields and non-JSON bodies', async () => {
    const unknown = await t.http
      .post('/v1/organisations')
      .set('Authorization', admin)
      .send({ code: 'X1', name: 'X', type: 'HOSPITAL', secret: 1 })
      .expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'secret' });
    await t.http.post('/v1/organisations').set('Authorization', admin).send({}).expect(400);
    const text = await t.http
      .post('/v1/organisations')
      .set('Authorization', admin)
      .set('Content-Type', 'text/plain')
      .send('code=X1')
      .expect(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await t.http
      .post('/v1/organisations')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send('{"code": ')
      .expect(400);
    expect(broken.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the body limit', async () => {
    const res = await t.http
      .post('/v1/organisations')
      .set('Authorization', admin)
      .send({ code: 'BIG', name: 'x'.repeat(env.cfg.http.bodyLimitBytes + 10), type: 'HOSPITAL' })
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('applies the master-data rules with their codes', async () => {
    const toImporter = await t.http
      .post('/v1/approvals')
      .set('Authorization', regulator)
      .send({
        approvalNo: 'HNMPA-T-0002',
        gtin: VALID_GTIN,
        institutionCode: 'IMP-1',
        indications: ['x'],
        quantity: 1,
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      })
      .expect(422);
    expect(toImporter.body.code).toBe('NOT_DESIGNATED_INSTITUTION');
    const backwards = await t.http
      .post('/v1/approvals')
      .set('Authorization', regulator)
      .send({
        approvalNo: 'HNMPA-T-0003',
        gtin: VALID_GTIN,
        institutionCode: 'HOSP-A',
        indications: ['x'],
        quantity: 1,
        validFrom: '2026-12-31',
        validTo: '2026-01-01',
      });
    expect(backwards.status).toBeGreaterThanOrEqual(400);
    expect(backwards.status).toBeLessThan(500);
    const unknownProduct = await t.http
      .post('/v1/approvals')
      .set('Authorization', regulator)
      .send({
        approvalNo: 'HNMPA-T-0004',
        gtin: '00012345600012',
        institutionCode: 'HOSP-A',
        indications: ['x'],
        quantity: 1,
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      })
      .expect(422);
    expect(unknownProduct.body.code).toBe('UNKNOWN_PRODUCT');
    const regulatorLocation = await t.http
      .post('/v1/locations')
      .set('Authorization', regulator)
      .send({ code: 'REG-DESK', organisationCode: 'REG', name: 'Desk' })
      .expect(422);
    expect(regulatorLocation.body.code).toBe('ORGANISATION_TYPE_MISMATCH');
    for (const approvalNo of ['HNMPA-T-0002', 'HNMPA-T-0003', 'HNMPA-T-0004']) {
      await t.http.get(`/v1/approvals/${approvalNo}`).set('Authorization', admin).expect(404);
    }
  });

  describe('access', () => {
    it('401 without or with a forged token', async () => {
      const none = await t.http.get('/v1/organisations').expect(401);
      expect(none.body.code).toBe('UNAUTHENTICATED');
      const forged = await t.http
        .get('/v1/organisations')
        .set('Authorization', `${admin.slice(0, -4)}AAAA`)
        .expect(401);
      expect(forged.body.code).toBe('UNAUTHENTICATED');
    });

    it('403 for the wrong role', async () => {
      const res = await t.http
        .post('/v1/organisations')
        .set('Authorization', t.bearer('ph-1', 'HOSP-A', 'pharmacist'))
        .send({ code: 'HOSP-C', name: 'C', type: 'HOSPITAL' })
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      await t.http.get('/v1/organisations/HOSP-C').set('Authorization', admin).expect(404);
    });

    it('403 for a role claimed on behalf of an organisation of another type', async () => {
      await t.http
        .post('/v1/approvals')
        .set('Authorization', t.bearer('mallory', 'HOSP-A', 'regulator'))
        .send({})
        .expect(403);
      await t.http
        .get('/v1/organisations')
        .set('Authorization', t.bearer('ghost', 'NOPE', 'regulator'))
        .expect(403);
    });

    it("403 for another organisation's approval, without revealing whether it exists", async () => {
      const other = t.bearer('ph-b', 'HOSP-B', 'pharmacist');
      const res = await t.http.get('/v1/approvals/HNMPA-T-0001').set('Authorization', other);
      expect(res.status).toBe(403);
      const missing = await t.http.get('/v1/approvals/NO-SUCH-1').set('Authorization', other);
      expect(missing.status).toBe(403);
      await t.http
        .get('/v1/approvals?institutionCode=HOSP-A')
        .set('Authorization', other)
        .expect(403);
      const own = await t.http.get('/v1/approvals').set('Authorization', other).expect(200);
      expect(own.body.total).toBe(0);
    });
  });
});
