import { describe, expect, it } from 'vitest';
import { isHostAllowed, parseHostHeader } from './host-allowlist.js';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

describe('parseHostHeader', () => {
  it('splits host and port, keeping IPv6 brackets and lower-casing', () => {
    expect(parseHostHeader('LocalHost:5000')).toEqual({ hostname: 'localhost', port: '5000' });
    expect(parseHostHeader('[::1]:5000')).toEqual({ hostname: '[::1]', port: '5000' });
    expect(parseHostHeader('example.com')).toEqual({ hostname: 'example.com', port: undefined });
  });

  it.each(['', 'a b', 'evil.com@localhost', 'localhost:5000:1', '::1', 'localhost/x', 'localhost:abc'])(
    'rejects %j',
    (value) => {
      expect(parseHostHeader(value)).toBeUndefined();
    },
  );
});

describe('isHostAllowed', () => {
  it.each(['localhost:5000', '127.0.0.1:5000', '[::1]:5000', 'localhost'])('allows loopback %s on any port', (host) => {
    expect(isHostAllowed(host, LOOPBACK)).toBe(true);
  });

  it.each([
    'evil.attacker.com',
    'localhost.attacker.com',
    '127.0.0.1.nip.io:5000',
    '0.0.0.0:5000',
    'evil.com@localhost',
  ])('refuses %s', (host) => {
    expect(isHostAllowed(host, LOOPBACK)).toBe(false);
  });

  it('honours ports, wildcards and *', () => {
    expect(isHostAllowed('mlflow.example.com:8443', ['mlflow.example.com:8443'])).toBe(true);
    expect(isHostAllowed('mlflow.example.com:80', ['mlflow.example.com:8443'])).toBe(false);
    expect(isHostAllowed('a.corp.example', ['*.corp.example'])).toBe(true);
    expect(isHostAllowed('corp.example', ['*.corp.example'])).toBe(false);
    expect(isHostAllowed('evilcorp.example', ['*.corp.example'])).toBe(false);
    expect(isHostAllowed('anything.example:1', ['*'])).toBe(true);
  });
});
