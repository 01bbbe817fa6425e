import { TokenService } from '@trace/auth';
import { ROLES, type Role } from '@trace/domain';
import { randomUUID } from 'node:crypto';
import { prng } from '@trace/testing';
import { commissioning, epcisDocument } from '../../ingest/ingest-fixtures';
import { ACCESS_POLICY, routeKey } from '../../platform/access-policy';
import type { FaultStack } from './fault-stack';

/** The organisation a user of each role acts for in the seeded data. */
export const ORG_OF_ROLE: Record<Role, string> = {
  admin: 'REG-1',
  regulator: 'REG-1',
  auditor: 'REG-1',
  importer: 'IMP-1',
  customs_officer: 'CUS-1',
  warehouse_operator: 'BW-1',
  pharmacist: 'HOSP-1',
  clinician: 'HOSP-1',
};

interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface WriteRoute {
  service: string;
  method: string;
  /** As the OpenAPI document writes it: `/v1/holds/{holdId}/release`. */
  path: string;
  params: string[];
  body?: JsonSchema;
  /** The roles the access policy lets through the door. */
  roles: Role[];
  kind: 'dto' | 'epcis' | 'board';
}

/** Bull Board's write routes (regulator-api, outside Nest's guards, admins only). */
const BOARD_WRITES: [string, string][] = [
  ['POST', '/api/metrics/history/purge'],
  ['PUT', '/api/queues/pause'],
  ['PUT', '/api/queues/resume'],
  ['POST', '/api/queues/{queueName}/add'],
  ['PUT', '/api/queues/{queueName}/retry/{queueStatus}'],
  ['PUT', '/api/queues/{queueName}/promote'],
  ['PUT', '/api/queues/{queueName}/clean/{queueStatus}'],
  ['PUT', '/api/queues/{queueName}/pause'],
  ['PUT', '/api/queues/{queueName}/resume'],
  ['PUT', '/api/queues/{queueName}/concurrency'],
  ['PUT', '/api/queues/{queueName}/rate-limit'],
  ['PUT', '/api/queues/{queueName}/rate-limit/release'],
  ['PUT', '/api/queues/{queueName}/empty'],
  ['PUT', '/api/queues/{queueName}/obliterate'],
  ['PUT', '/api/queues/{queueName}/job-schedulers/{schedulerId}/remove'],
  ['PATCH', '/api/queues/{queueName}/job-schedulers/{schedulerId}'],
  ['PUT', '/api/queues/{queueName}/job-schedulers/{schedulerId}/run'],
  ['PUT', '/api/queues/{queueName}/{jobId}/retry'],
  ['PUT', '/api/queues/{queueName}/{jobId}/clean'],
  ['PUT', '/api/queues/{queueName}/{jobId}/promote'],
  ['PATCH', '/api/queues/{queueName}/{jobId}/update-data'],
  ['PATCH', '/api/queues/{queueName}/{jobId}/delay'],
  ['PATCH', '/api/queues/{queueName}/{jobId}/priority'],
  ['PUT', '/api/queues/{queueName}/{jobId}/remove-unprocessed-children'],
];

/**
 * Every write endpoint the running services mount, read from their OpenAPI documents (so an
 * endpoint added later is covered without touching this suite), with the roles the access
 * policy admits; plus Bull Board's.
 */
export async function discoverWriteRoutes(
  stack: FaultStack,
  services: string[],
): Promise<{ routes: WriteRoute[]; unknownToPolicy: string[] }> {
  const routes: WriteRoute[] = [];
  const unknownToPolicy: string[] = [];
  for (const service of services) {
    const doc = (await stack.http(service, 'GET', '/docs-json')).body as {
      paths: Record<string, Record<string, any>>;
      components?: { schemas?: Record<string, JsonSchema> };
    };
    const schemas = doc.components?.schemas ?? {};
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        const express = path.replace(/\{(\w+)\}/g, ':$1');
        const policy = ACCESS_POLICY.find(
          (p) =>
            routeKey(p.app, p.method, p.path) === routeKey(service, method.toUpperCase(), express),
        );
        if (!policy || policy.allow === 'public') {
          unknownToPolicy.push(`${service} ${method.toUpperCase()} ${path}`);
          continue;
        }
        const content = op.requestBody?.content ?? {};
        const schema = Object.values(content)[0] as { schema?: JsonSchema } | undefined;
        routes.push({
          service,
          method: method.toUpperCase(),
          path,
          params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          body: schema?.schema ? resolve(schema.schema, schemas, 0) : undefined,
          roles: [...policy.allow],
          kind: path === '/epcis/capture' ? 'epcis' : 'dto',
        });
      }
    }
  }
  for (const [method, path] of BOARD_WRITES) {
    routes.push({
      service: 'regulator-api',
      method,
      path: `/admin/queues${path}`,
      params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
      roles: ['admin'],
      kind: 'board',
    });
  }
  return { routes, unknownToPolicy };
}

function resolve(s: JsonSchema, schemas: Record<string, JsonSchema>, depth: number): JsonSchema {
  if (depth > 6) return { type: 'object' };
  if (s.$ref) return resolve(schemas[s.$ref.split('/').pop()!] ?? {}, schemas, depth + 1);
  const out: JsonSchema = { ...s };
  if (s.allOf) {
    const parts = s.allOf.map((p) => resolve(p, schemas, depth + 1));
    out.properties = Object.assign({}, ...parts.map((p) => p.properties ?? {}));
    out.required = parts.flatMap((p) => p.required ?? []);
    out.type = 'object';
  }
  if (s.properties) {
    out.properties = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, resolve(v, schemas, depth + 1)]),
    );
  }
  if (s.items) out.items = resolve(s.items, schemas, depth + 1);
  return out;
}

export interface BadRequest {
  route: WriteRoute;
  /** Which kind of badness, for the report. */
  defect: string;
  path: string;
  headers: Record<string, string>;
  /** Sent as is. */
  body?: string | Buffer;
}

const NASTY_STRINGS = [
  '',
  ' ',
  'a'.repeat(5000),
  "' OR 1=1 --",
  '"; DROP TABLE ledger_entries; --',
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '2026-13-45T99:99:99Z',
  '-1',
  '1e309',
  'NaN',
  '\u001d21SERIAL',
  ']d2010950600013435217290630',
  'null',
  '__proto__',
];

const NASTY_PARAMS = [
  'nope',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
  "' OR 1=1 --",
  '%2e%2e%2f%2e%2e%2fetc',
  'a'.repeat(3000),
  '%00',
  '-1',
  '99999999999999999999999',
  '1e309',
  '%F0%9F%98%80',
  '%E2%80%AE',
  'pt-00000000000000000000000000000000',
  '09506000999998',
  'NaN',
  '__proto__',
  'constructor',
];

/**
 * Generates bad requests for one route. Every request carries at least one defect the
 * service must refuse before anything is written: no or a forged token, a role the route
 * does not admit, a body that is not JSON or not an object, an unknown field, a field of the
 * wrong type, references to nothing that exists — often several at once.
 */
export class BadInputGenerator {
  private readonly random: () => number;

  constructor(
    private readonly stack: FaultStack,
    seed: number,
  ) {
    this.random = prng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private token(role: Role, org = ORG_OF_ROLE[role], sub = 'fuzz'): string {
    return this.stack.bearer(sub, org, role);
  }

  /** Bearer headers that must never get through the door. */
  private badAuth(route: WriteRoute): { defect: string; authorization?: string } {
    const auth = this.stack.cfg.auth;
    const allowed = route.roles[0];
    const forbidden = (ROLES as readonly Role[]).filter((r) => !route.roles.includes(r));
    const sign = (
      claims: object,
      opts: object = {},
      secret = auth.jwtSecret,
      issuer = auth.issuer,
    ) =>
      `Bearer ${TokenService.jwtFor({ ...auth, jwtSecret: secret, issuer }).sign(claims, { subject: 'fuzz', ...opts })}`;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const choices: (() => { defect: string; authorization?: string })[] = [
      () => ({ defect: 'no token' }),
      () => ({
        // Only what a header can carry: fetch itself refuses the rest.
        defect: 'garbage token',
        authorization: `Bearer ${this.pick(NASTY_STRINGS.filter((t) => /^[\x20-\x7e]*$/.test(t)))}x`,
      }),
      () => ({ defect: 'not a bearer token', authorization: `Basic ${b64({ u: 'admin' })}` }),
      () => ({
        defect: 'token signed with another secret',
        authorization: sign({ org: ORG_OF_ROLE[allowed], roles: [allowed] }, {}, 'x'.repeat(48)),
      }),
      () => ({
        defect: 'expired token',
        authorization: sign({ org: ORG_OF_ROLE[allowed], roles: [allowed] }, { expiresIn: -60 }),
      }),
      () => ({
        defect: 'token of another issuer',
        authorization: sign(
          { org: ORG_OF_ROLE[allowed], roles: [allowed] },
          {},
          auth.jwtSecret,
          'elsewhere',
        ),
      }),
      () => ({
        defect: 'unsigned token (alg none)',
        authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'fuzz', org: ORG_OF_ROLE[allowed], roles: [allowed], iss: auth.issuer })}.`,
      }),
      () => ({
        defect: 'token with an unknown role',
        authorization: sign({ org: ORG_OF_ROLE[allowed], roles: ['superuser'] }),
      }),
      () => ({
        defect: 'token of an unknown organisation',
        authorization: `Bearer ${TokenService.issueWith(auth, { sub: 'fuzz', org: 'NO-SUCH-ORG', roles: [allowed] })}`,
      }),
      () => {
        const role = this.pick(route.roles);
        const wrongOrg = this.pick(
          Object.values(ORG_OF_ROLE).filter((o) => o !== ORG_OF_ROLE[role]),
        );
        return {
          defect: 'role of another organisation type',
          authorization: this.token(role, wrongOrg),
        };
      },
    ];
    if (forbidden.length) {
      choices.push(() => {
        const role = this.pick(forbidden);
        return { defect: `role not admitted (${role})`, authorization: this.token(role) };
      });
    }
    return this.pick(choices)();
  }

  /** A plausible value for a schema: its example, its first enum value, or one of its type. */
  private example(s: JsonSchema | undefined, depth = 0): unknown {
    if (!s) return 'x';
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    const alt = s.oneOf ?? s.anyOf;
    if (alt?.length) return this.example(alt[0], depth + 1);
    switch (s.type) {
      case 'string':
        return s.format === 'date-time'
          ? '2026-06-01T10:00:00+08:00'
          : s.format === 'date'
            ? '2026-06-01'
            : s.format === 'uuid'
              ? randomUUID()
              : 'x';
      case 'integer':
      case 'number':
        return 1;
      case 'boolean':
        return true;
      case 'array':
        return depth > 4 ? [] : [this.example(s.items, depth + 1)];
      default: {
        if (depth > 4 || !s.properties) return {};
        return Object.fromEntries(
          Object.entries(s.properties).map(([k, v]) => [k, this.example(v, depth + 1)]),
        );
      }
    }
  }

  /** A value no validator of this schema accepts (never null: optional fields take null). */
  private wrongType(s: JsonSchema | undefined): unknown {
    switch (s?.type) {
      case 'string':
        return this.pick([{}, [], 12345, true, { $gt: '' }, ['x']]);
      case 'integer':
      case 'number':
        return this.pick(['1', '', {}, [], true, 'NaN']);
      case 'boolean':
        return this.pick(['true', 1, {}, []]);
      case 'array':
        return this.pick(['x', {}, 1, true]);
      default:
        return this.pick(['x', 1, [], true]);
    }
  }

  /** Something odd but possibly well typed, to go with a guaranteed defect. */
  private oddValue(s: JsonSchema | undefined): unknown {
    switch (s?.type) {
      case 'integer':
      case 'number':
        return this.pick([-1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 2, 10_000_000]);
      case 'array':
        return this.pick([
          [],
          Array.from({ length: 2000 }, () => this.pick(NASTY_STRINGS)),
          [null],
          [[[]]],
        ]);
      case 'boolean':
        return false;
      default:
        return this.pick(NASTY_STRINGS);
    }
  }

  private path(route: WriteRoute, nasty: boolean): string {
    return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (route.kind === 'board') {
        if (name === 'queueName') return 'no-such-queue';
        return encodeURIComponent(nasty ? this.pick(NASTY_PARAMS) : 'x');
      }
      if (!nasty) {
        // Well formed, naming nothing that exists.
        if (/Id$/.test(name)) return randomUUID();
        if (name === 'patientRef') return `pt-${randomUUID().replace(/-/g, '')}`;
        if (name === 'gtin') return '09506000999998';
        return `NO-SUCH-${name.toUpperCase()}`;
      }
      const p = this.pick(NASTY_PARAMS);
      return /%/.test(p) ? p : encodeURIComponent(p);
    });
  }

  private json(body: unknown): string {
    return JSON.stringify(body);
  }

  /** A body with at least one defect validation must catch. */
  private badBody(route: WriteRoute): { defect: string; body: string; type?: string } {
    const schema = route.body;
    const base = this.example(schema) as Record<string, unknown>;
    const props = Object.entries(schema?.properties ?? {});
    const required = (schema?.required ?? []).filter((k) => schema?.properties?.[k]);
    const defects: string[] = [];
    const body: Record<string, unknown> = { ...base };
    const guaranteed: (() => void)[] = [
      () => {
        const key = this.pick(['isAdmin', 'ledgerIndex', '__proto__x', 'sql', 'extra', 'units']);
        body[key] = this.pick([true, 1, 'x', {}, []]);
        defects.push(`unknown field ${key}`);
      },
    ];
    if (props.length) {
      guaranteed.push(() => {
        const key = required.length ? this.pick(required) : this.pick(props)[0];
        body[key] = this.wrongType(schema!.properties![key]);
        defects.push(`${key} of the wrong type`);
      });
      const arrays = props.filter(([, p]) => p.type === 'array' && p.items?.properties);
      if (arrays.length) {
        guaranteed.push(() => {
          const [key, p] = this.pick(arrays);
          const item = this.example(p.items) as Record<string, unknown>;
          body[key] = [{ ...item, unexpected: this.pick([1, 'x', {}]) }];
          defects.push(`${key}[0] with an unknown field`);
        });
        guaranteed.push(() => {
          const [key, p] = this.pick(arrays);
          body[key] = this.pick([[[]], [[this.example(p.items)]], [this.example(p.items), []]]);
          defects.push(`${key} holding a list where its objects belong`);
        });
      }
    }
    if (required.length) {
      guaranteed.push(() => {
        const key = this.pick(required);
        delete body[key];
        const other = this.pick(['isAdmin', 'extra', 'sql']);
        body[other] = 1; // a missing field alone may be optional in truth
        defects.push(`${key} missing and unknown field ${other}`);
      });
    }
    // Oddities first, sometimes several; the guaranteed defect last, so none overwrites it.
    for (let i = this.int(3); i > 0 && props.length; i--) {
      const [key, p] = this.pick(props);
      if (this.random() < 0.3) {
        delete body[key];
        defects.push(`${key} missing`);
      } else {
        body[key] = this.oddValue(p);
        defects.push(`${key} odd`);
      }
    }
    this.pick(guaranteed)();
    return { defect: `body: ${defects.join(', ')}`, body: this.json(body) };
  }

  /** Bodies that are not a JSON object at all, or not JSON, or too large. */
  private badTransport(): { defect: string; body?: string | Buffer; type?: string } {
    return this.pick<() => { defect: string; body?: string | Buffer; type?: string }>([
      () => ({ defect: 'truncated JSON', body: '{"scans": ["abc", ' }),
      () => ({ defect: 'not JSON', body: this.pick(NASTY_STRINGS) + '{' }),
      () => ({ defect: 'a JSON array', body: '[{"a": 1}]' }),
      () => ({ defect: 'a JSON string', body: '"just a string"' }),
      () => ({ defect: 'JSON null', body: 'null' }),
      () => ({ defect: 'a JSON number', body: '12345' }),
      () => ({ defect: 'an empty body', body: '' }),
      () => ({ defect: 'text/plain', body: '{"a":1}', type: 'text/plain' }),
      () => ({ defect: 'a form', body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' }),
      () => ({ defect: 'XML', body: '<a>1</a>', type: 'application/xml' }),
      () => ({
        defect: 'invalid UTF-8',
        body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      }),
      () => ({
        defect: 'a prototype-pollution body',
        body: '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}',
      }),
      () => ({ defect: 'deeply nested JSON', body: '['.repeat(5000) + ']'.repeat(5000) }),
      () => ({
        defect: 'deeply nested objects',
        body: '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
      }),
      () => ({
        defect: 'a body over the size limit',
        body: `{"scans": ["${'x'.repeat(300 * 1024)}"]}`,
      }),
      () => ({ defect: 'duplicate keys', body: '{"a": 1, "a": {"b": 2}}' }),
    ])();
  }

  /** An EPCIS document that validation must refuse, with more oddities sometimes. */
  private badEpcis(): { defect: string; body: string } {
    const doc = epcisDocument([
      commissioning(`urn:uuid:${randomUUID()}`, [`FZ${this.int(1e6)}`]),
    ]) as Record<string, any>;
    const event = doc.epcisBody.eventList[0];
    const epcs = event.epcList as string[];
    const defects: [string, () => void][] = [
      ['event type unknown', () => (event.type = this.pick(['Objectevent', 'NoSuchEvent', '', 1]))],
      [
        'eventTime not a time',
        () =>
          (event.eventTime = this.pick(
            NASTY_STRINGS.filter((s) => s !== '2026-13-45T99:99:99Z').concat([
              '2026-13-45T99:99:99Z',
            ]),
          )),
      ],
      ['eventTime missing', () => delete event.eventTime],
      ['action not ADD/OBSERVE/DELETE', () => (event.action = this.pick(['add', 'REMOVE', '', 7]))],
      [
        'epcList not a list',
        () => (event.epcList = this.pick(['urn:epc:id:sgtin:9506000.013435.X', {}, 1])),
      ],
      ['no eventList', () => delete doc.epcisBody.eventList],
      ['eventList not a list', () => (doc.epcisBody.eventList = this.pick([{}, 'x', 1]))],
      ['document type wrong', () => (doc.type = this.pick(['EPCISQueryDocument', 'x', 1]))],
      ['schemaVersion unknown', () => (doc.schemaVersion = this.pick(['9.9', 2, '']))],
      ['an EPC that is no EPC', () => (event.epcList = [this.pick(NASTY_STRINGS)])],
      ['an unknown product', () => (event.epcList = ['urn:epc:id:sgtin:9506000.099999.FZ1'])],
      [
        'a location nobody registered',
        () => (event.bizLocation = { id: 'urn:epc:id:sgln:9506000.99999.0' }),
      ],
      ['no event at all', () => (doc.epcisBody.eventList = [])],
      [
        'eventList holding a list',
        () => (doc.epcisBody.eventList = this.pick([[[]], [[event]], [event, []]])),
      ],
      ['epcList holding a list', () => (event.epcList = [epcs])],
    ];
    const chosen = [this.pick(defects)];
    if (this.random() < 0.4) chosen.push(this.pick(defects));
    for (const [, apply] of chosen) apply();
    return { defect: `EPCIS: ${chosen.map(([d]) => d).join(', ')}`, body: this.json(doc) };
  }

  next(route: WriteRoute): BadRequest {
    const headers: Record<string, string> = {};
    const admitted = this.pick(route.roles);
    const withToken = (role: Role) => (headers.Authorization = this.token(role));
    const r = this.random();
    if (route.kind === 'board' || r < 0.15) {
      // The door: a valid-looking request from someone who must not get in.
      const auth = this.badAuth(route);
      if (auth.authorization) headers.Authorization = auth.authorization;
      // Admin actions on every queue at once (pause all…) are no bad input: only name a queue.
      if (route.kind === 'board' && route.params.includes('queueName') && this.random() < 0.2) {
        withToken('admin');
        return {
          route,
          defect: 'admin, a queue that does not exist',
          path: this.path(route, true),
          headers,
        };
      }
      headers['Content-Type'] = 'application/json';
      const body = route.body
        ? this.json(this.example(route.body))
        : route.kind === 'epcis'
          ? this.json(epcisDocument([commissioning(`urn:uuid:${randomUUID()}`, ['FZ-AUTH'])]))
          : undefined;
      return { route, defect: auth.defect, path: this.path(route, false), headers, body };
    }
    withToken(admitted);
    if (r < 0.3) {
      const t = this.badTransport();
      headers['Content-Type'] = t.type ?? 'application/json';
      return { route, defect: t.defect, path: this.path(route, false), headers, body: t.body };
    }
    headers['Content-Type'] =
      route.kind === 'epcis' && this.random() < 0.5 ? 'application/ld+json' : 'application/json';
    if (route.kind === 'epcis') {
      if (this.random() < 0.2) {
        // Not 'ROLLBACK': the value is read case-insensitively, and that is fine.
        headers['GS1-Capture-Error-Behaviour'] = this.pick([
          'maybe',
          'proceed;rollback',
          'rollback, proceed',
          'yes',
        ]);
        const doc = this.json(
          epcisDocument([commissioning(`urn:uuid:${randomUUID()}`, ['FZ-HDR'])]),
        );
        return {
          route,
          defect: 'EPCIS: error behaviour header not rollback/proceed',
          path: route.path,
          headers,
          body: doc,
        };
      }
      const e = this.badEpcis();
      return { route, defect: e.defect, path: route.path, headers, body: e.body };
    }
    if (route.params.length && r < 0.5) {
      // Identifiers in the path that are malformed or name nothing.
      const nasty = this.random() < 0.5;
      const body = route.body ? this.json(this.example(route.body)) : undefined;
      return {
        route,
        defect: nasty ? 'malformed path parameter' : 'path names nothing that exists',
        path: this.path(route, nasty),
        headers,
        body,
      };
    }
    if (!route.body) {
      // No body expected: send one it must not take.
      const b = this.badBody({ ...route, body: { type: 'object', properties: {} } });
      return {
        route,
        defect: b.defect,
        path: this.path(route, this.random() < 0.5),
        headers,
        body: b.body,
      };
    }
    const b = this.badBody(route);
    return { route, defect: b.defect, path: this.path(route, false), headers, body: b.body };
  }
}
