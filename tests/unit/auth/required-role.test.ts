import { describe, expect, it } from 'vitest';
import { requirementFor } from '../../../lib/ops/auth/required-role';
import { roleAtLeast } from '../../../lib/ops/auth/roles';
import { isJsonContentType, safeNext } from '../../../lib/api/login-endpoints';
import { FailureRateLimiter } from '../../../lib/ops/auth/rate-limiter';
import { FakeClock } from '../../support/fake-clock';

const req = (method: string, path: string) => {
  const r = requirementFor(method, path);
  return r.kind === 'public' ? 'public' : r.role;
};

describe('what each path needs', () => {
  it('leaves the login page, static assets, health, version and the API document public', () => {
    for (const p of ['/login', '/_next/static/chunks/a.js', '/api/v1/health', '/api/v1/version', '/api/v1/openapi.json', '/api/v1/ui']) {
      expect(req('GET', p)).toBe('public');
    }
    expect(req('POST', '/auth/login')).toBe('public');
  });

  it('needs Viewer to read, User to change, Op for pools/connections/variables, Admin for users', () => {
    expect(req('GET', '/api/v1/dags')).toBe('Viewer');
    expect(req('GET', '/dags/x/grid')).toBe('Viewer');
    expect(req('GET', '/metrics')).toBe('Viewer');
    expect(req('POST', '/api/v1/dags/x/dagRuns')).toBe('User');
    expect(req('PATCH', '/api/v1/cards/3')).toBe('User');
    expect(req('GET', '/api/v1/connections')).toBe('Op');
    expect(req('DELETE', '/api/v1/pools/p')).toBe('Op');
    expect(req('GET', '/variables')).toBe('Op');
    expect(req('GET', '/users')).toBe('Admin');
    // Not fooled by look-alikes.
    expect(req('GET', '/api/v1/poolsx')).toBe('Viewer');
  });

  it('orders the roles Viewer < User < Op < Admin', () => {
    expect(roleAtLeast('Admin', 'Op')).toBe(true);
    expect(roleAtLeast('Op', 'User')).toBe(true);
    expect(roleAtLeast('User', 'Op')).toBe(false);
    expect(roleAtLeast('Viewer', 'User')).toBe(false);
  });
});

describe('the login redirect', () => {
  it('only returns to paths on this site', () => {
    expect(safeNext('/dags?x=1')).toBe('/dags?x=1');
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '', undefined]) expect(safeNext(bad)).toBe('/');
  });

  it('refuses paths that browsers would read as another site: tabs, newlines, backslashes, schemes', () => {
    const bad = [
      decodeURIComponent('%2F%09%2Fevil.example'),
      '/\n/evil.example',
      '/\r/evil.example',
      '/\u0000/evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      '/.//evil.example',
      'javascript:alert(1)',
      'javascript:alert(1)//x',
      ' /dags',
      'http:/evil.example',
    ];
    for (const next of bad) expect(safeNext(next), JSON.stringify(next)).toBe('/');
    expect(safeNext('/dags/a%2Fb?tab=grid#t1')).toBe('/dags/a%2Fb?tab=grid#t1');
    expect(safeNext('/dags/../admin')).toBe('/admin');
  });
});

describe('the JSON login content type', () => {
  it('takes the media type before any parameters, exactly and in any case', () => {
    for (const ok of ['application/json', 'Application/JSON', ' application/json ; charset=utf-8']) expect(isJsonContentType(ok), ok).toBe(true);
    for (const bad of ['text/plain; x=application/json', 'text/plain;application/json', 'application/jsonp', 'application/json-seq', '', undefined]) {
      expect(isJsonContentType(bad), String(bad)).toBe(false);
    }
  });
});

describe('the failed-login limit per address', () => {
  it('blocks an address after 3 failed attempts until its window has passed, and does not count successes', () => {
    const clock = new FakeClock();
    const limiter = new FailureRateLimiter(clock, 3, 60_000);
    expect(limiter.admit('10.0.0.1')).toBe(0);
    limiter.forgive('10.0.0.1');
    for (let i = 0; i < 3; i++) expect(limiter.admit('10.0.0.1')).toBe(0);
    expect(limiter.admit('10.0.0.1')).toBe(60);
    expect(limiter.admit('10.0.0.2')).toBe(0);
    clock.advance(30_000);
    expect(limiter.admit('10.0.0.1')).toBe(30);
    clock.advance(30_000);
    expect(limiter.admit('10.0.0.1')).toBe(0);
  });

  it('counts an attempt when it starts, so a burst in flight cannot pass the limit', () => {
    const limiter = new FailureRateLimiter(new FakeClock(), 3, 60_000);
    const admitted = Array.from({ length: 10 }, () => limiter.admit('10.0.0.1')).filter((wait) => wait === 0);
    expect(admitted).toHaveLength(3);
  });
});
