import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  checkOutboundUrl,
  OutboundUrlError,
  parseOutboundUrl,
  type ResolveHost,
} from './outbound-url.js';

const dns =
  (table: Record<string, string[]>): ResolveHost =>
  async (hostname) => {
    const answers = table[hostname];
    if (answers === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OutboundUrlError);
  return (error as Error).message;
}

describe('parseOutboundUrl', () => {
  it.each([
    ['ftp://example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['gopher://example.com/', /http or https/],
    ['http://user:pw@example.com/', /credentials/],
    ['http://a@b@127.0.0.1/', /credentials/],
    ['http://example.com/#x', /fragment/],
    ['not a url', /not a valid URL/],
    [`http://example.com/${'a'.repeat(3000)}`, /longer than/],
  ])('refuses %s', (url, message) => {
    expect(() => parseOutboundUrl(url)).toThrow(message);
  });

  it('normalises odd IPv4 spellings to dotted quads', () => {
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/']) {
      expect(parseOutboundUrl(url).hostname).toBe('127.0.0.1');
    }
  });
});

describe('addressProblem', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback/],
    ['::ffff:169.254.169.254', /metadata/],
    ['::7f00:1', /loopback/],
    ['::a9fe:a9fe', /metadata/],
    ['64:ff9b::a00:1', /private/],
    ['2002:7f00:1::', /loopback/],
    ['192.0.2.1', /non-public/],
    ['0x7f000001', /loopback/],
    ['2130706433', /loopback/],
  ])('refuses %s', (address, message) => {
    expect(addressProblem(address, false)).toMatch(message);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts public %s', (address) => {
    expect(addressProblem(address, false)).toBeUndefined();
  });

  it('with private targets allowed, accepts private ones but never metadata, multicast or unspecified', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '192.168.0.1', 'fd12::1', '169.254.1.1']) {
      expect(addressProblem(address, true)).toBeUndefined();
    }
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', '0.0.0.0', '224.0.0.1']) {
      expect(addressProblem(address, true)).toBeDefined();
    }
  });

  it('refuses every IPv4 address in a private range, whatever IPv6 form wraps it', () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(privateV4, ([a, b, c, d]) => {
        const dotted = `${a}.${b}.${c}.${d}`;
        const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
        const forms = [
          dotted,
          `::ffff:${dotted}`,
          `::${hex(a, b)}:${hex(c, d)}`,
          `${((a << 24) >>> 0) | (b << 16) | (c << 8) | d}`,
        ];
        return forms.every((form) => addressProblem(form, false) !== undefined);
      }),
    );
  });
});

describe('checkOutboundUrl', () => {
  const resolve = dns({
    'public.test': ['93.184.216.34', '2606:4700::1111'],
    'rebind.test': ['93.184.216.34', '127.0.0.1'],
    'inside.test': ['10.0.0.5'],
    'metadata.test': ['169.254.169.254'],
  });

  it('resolves a public host to every address it has', async () => {
    const target = await checkOutboundUrl('https://public.test/hook', { allowPrivateTargets: false, resolve });
    expect(target.addresses.map((a) => a.address)).toEqual(['93.184.216.34', '2606:4700::1111']);
    expect(target.url.hostname).toBe('public.test');
  });

  it('refuses a host when any one of its addresses is private', async () => {
    expect(await refusal(checkOutboundUrl('http://rebind.test/', { allowPrivateTargets: false, resolve }))).toMatch(
      /rebind\.test is refused: 127\.0\.0\.1 is a loopback/,
    );
    expect(await refusal(checkOutboundUrl('http://inside.test/', { allowPrivateTargets: false, resolve }))).toMatch(
      /private/,
    );
  });

  it('refuses literal private addresses and names that do not resolve', async () => {
    const policy = { allowPrivateTargets: false, resolve };
    for (const url of ['http://127.0.0.1:9/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://2130706433/']) {
      expect(await refusal(checkOutboundUrl(url, policy))).toMatch(/loopback/);
    }
    expect(await refusal(checkOutboundUrl('http://meta.test/', policy))).toMatch(/does not resolve \(ENOTFOUND\)/);
  });

  it('refuses metadata even when private targets are allowed', async () => {
    const policy = { allowPrivateTargets: true, resolve };
    expect(await refusal(checkOutboundUrl('http://metadata.test/', policy))).toMatch(/metadata/);
    expect((await checkOutboundUrl('http://inside.test/', policy)).addresses).toEqual([
      { address: '10.0.0.5', family: 4 },
    ]);
  });

  it('resolves localhost through the system resolver and refuses it', async () => {
    expect(await refusal(checkOutboundUrl('http://localhost:1/', { allowPrivateTargets: false }))).toMatch(/loopback/);
  });
});
