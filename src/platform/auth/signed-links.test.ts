import { describe, expect, it } from 'vitest';
import { LinkSigner } from './signed-links';

describe('signed links', () => {
  const signer = new LinkSigner('a-master-key-that-is-long-enough-for-tests', 600);
  const made = new Date('2026-12-06T12:00:00Z');
  const resource = 'media:1b4e28ba-2fa1-11d2-883f-0016d3cca427/foto.png';
  const link = new URL(
    signer.sign('https://balcao.example/api/v1/media/1b4e28ba-2fa1-11d2-883f-0016d3cca427/foto.png?x=1', resource, made),
  );
  const query = (url: URL) => Object.fromEntries(url.searchParams);

  it('a link works until it expires, and is gone after', () => {
    expect([...link.searchParams.keys()]).toEqual(['expires', 'signature']);
    expect(link.searchParams.get('expires')).toBe(String(made.getTime() / 1000 + 600));
    expect(signer.verify(resource, query(link), new Date(made.getTime() + 599_000))).toBe('valid');
    expect(signer.verify(resource, query(link), new Date(made.getTime() + 600_000))).toBe('expired');
  });

  it('refuses a link for another path, a later expiry, a missing or malformed signature, or another key', () => {
    const at = new Date(made.getTime() + 1000);
    expect(signer.verify(resource.replace('foto.png', 'outra.png'), query(link), at)).toBe('invalid');
    expect(signer.verify(resource, { ...query(link), expires: String(Number(link.searchParams.get('expires')) + 3600) }, at)).toBe(
      'invalid',
    );
    expect(signer.verify(resource, {}, at)).toBe('invalid');
    expect(signer.verify(resource, { expires: link.searchParams.get('expires')!, signature: 'abc' }, at)).toBe('invalid');
    expect(signer.verify(resource, { expires: ['1', '2'], signature: link.searchParams.get('signature')! }, at)).toBe('invalid');
    const other = new LinkSigner('another-master-key-that-is-long-enough!!', 600);
    expect(other.verify(resource, query(link), at)).toBe('invalid');
  });
});
