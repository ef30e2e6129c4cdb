import { describe, expect, it, vi } from 'vitest';
import { normalizeEnrollmentCode as serverNormalize } from '../../src/platform/devices/credentials';
import { deviceRetryDelayMs } from '../../web/src/lib/deviceClient';
import {
  enrollDevice,
  enrollmentErrorMessage,
  forget,
  isWellFormedEnrollmentCode,
  load,
  normalizeEnrollmentCode,
  save,
  storageKey,
  type DeviceStorage,
} from '../../web/src/lib/deviceSession';

function memoryStorage(): DeviceStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('device credential storage', () => {
  it('keeps one credential per kind under balcao.device.<kind>', () => {
    const storage = memoryStorage();
    save('queue.kiosk', { deviceId: 'd1', token: 'bdev_a_secret' }, storage);
    save('queue.display', { deviceId: 'd2', token: 'bdev_b_secret' }, storage);
    expect(storageKey('queue.kiosk')).toBe('balcao.device.queue.kiosk');
    expect([...storage.items.keys()].toSorted()).toEqual(['balcao.device.queue.display', 'balcao.device.queue.kiosk']);
    expect(load('queue.kiosk', storage)).toEqual({ deviceId: 'd1', token: 'bdev_a_secret' });
    expect(load('queue.display', storage)).toEqual({ deviceId: 'd2', token: 'bdev_b_secret' });
  });

  it('forgets one kind without touching the other', () => {
    const storage = memoryStorage();
    save('queue.kiosk', { deviceId: 'd1', token: 't1' }, storage);
    save('queue.display', { deviceId: 'd2', token: 't2' }, storage);
    forget('queue.kiosk', storage);
    expect(load('queue.kiosk', storage)).toBeNull();
    expect(load('queue.display', storage)).toEqual({ deviceId: 'd2', token: 't2' });
  });

  it('reads nothing from an empty, unreadable or incomplete entry, or without storage', () => {
    const storage = memoryStorage();
    expect(load('queue.kiosk', storage)).toBeNull();
    for (const raw of [
      'not json',
      '"a string"',
      'null',
      '{"deviceId":"d1"}',
      '{"deviceId":"d1","token":""}',
      '{"deviceId":1,"token":"t"}',
    ]) {
      storage.items.set(storageKey('queue.kiosk'), raw);
      expect(load('queue.kiosk', storage), raw).toBeNull();
    }
    expect(load('queue.kiosk', null)).toBeNull();
    expect(() => save('queue.kiosk', { deviceId: 'd1', token: 't1' }, null)).not.toThrow();
  });

  it('stores only the id and the token', () => {
    const storage = memoryStorage();
    save('queue.kiosk', { deviceId: 'd1', token: 't1', extra: 'x' } as never, storage);
    expect(JSON.parse(storage.items.get('balcao.device.queue.kiosk')!)).toEqual({ deviceId: 'd1', token: 't1' });
  });
});

describe('enrollment codes', () => {
  it('accept lower case, dashes and spaces as typed', () => {
    expect(normalizeEnrollmentCode('abcd-2345')).toBe('ABCD2345');
    expect(normalizeEnrollmentCode(' ab cd-23 45 ')).toBe('ABCD2345');
    expect(isWellFormedEnrollmentCode('abcd-2345')).toBe(true);
  });

  it('are judged well formed exactly as the server judges them', () => {
    const samples = [
      'ABCD-2345',
      'abcd2345',
      'ABCD234',
      'ABCD23456',
      'ABCD-O345',
      'ABCD-1345',
      'ABCI-2345',
      'ABCL-2345',
      'ABC0-2345',
      '',
      '--------',
      'hjkm npqr',
    ];
    for (const sample of samples) {
      const server = serverNormalize(sample);
      expect(isWellFormedEnrollmentCode(sample), sample).toBe(server !== undefined);
      if (server !== undefined) expect(normalizeEnrollmentCode(sample)).toBe(server);
    }
  });
});

describe('enrollDevice', () => {
  it('posts the normalized code and the trimmed name, and returns the credential', async () => {
    const fetch = vi.fn(async () => jsonResponse(201, { deviceId: 'd1', token: 'bdev_x_y' }));
    await expect(enrollDevice('abcd-2345', '  Totem da entrada ', { fetch })).resolves.toEqual({ deviceId: 'd1', token: 'bdev_x_y' });
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/devices/enroll');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ code: 'ABCD2345', name: 'Totem da entrada' });
  });

  it('sends no name when none was typed', async () => {
    const fetch = vi.fn(async () => jsonResponse(201, { deviceId: 'd1', token: 't' }));
    await enrollDevice('ABCD2345', '   ', { fetch });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(init.body as string)).toEqual({ code: 'ABCD2345' });
  });

  it("throws the server's message when the code is refused or the device is rate limited", async () => {
    const refused = { error: 'ENROLLMENT_INVALID', message: 'Código de cadastro inválido, expirado ou já usado' };
    await expect(enrollDevice('ABCD2345', undefined, { fetch: async () => jsonResponse(401, refused) })).rejects.toThrow(refused.message);
    const limited = { error: 'RATE_LIMITED', message: 'Muitas tentativas; tente mais tarde' };
    await expect(enrollDevice('ABCD2345', undefined, { fetch: async () => jsonResponse(429, limited) })).rejects.toThrow(limited.message);
  });

  it('throws a connection message when the server cannot be reached or answers garbage', async () => {
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    await expect(enrollDevice('ABCD2345', undefined, { fetch: offline })).rejects.toThrow(/conexão/);
    const garbage = async () => new Response('<html>bad gateway</html>', { status: 502 });
    await expect(enrollDevice('ABCD2345', undefined, { fetch: garbage })).rejects.toThrow(/Não foi possível cadastrar/);
    const incomplete = async () => jsonResponse(201, { deviceId: 'd1' });
    await expect(enrollDevice('ABCD2345', undefined, { fetch: incomplete })).rejects.toThrow(/Não foi possível cadastrar/);
  });

  it('shows the first field error of a validation failure', () => {
    const body = {
      error: 'ERR_VALIDATION',
      message: 'Dados inválidos',
      details: { issues: { formErrors: [], fieldErrors: { name: ['Nome longo demais'] } } },
    };
    expect(enrollmentErrorMessage(body)).toBe('Nome longo demais');
    expect(enrollmentErrorMessage({ error: 'ERR_VALIDATION', message: 'Dados inválidos', details: null })).toBe('Dados inválidos');
  });
});

describe('device socket reconnects', () => {
  it('at once, then backing off, never waiting more than 5 s', () => {
    const delays = Array.from({ length: 12 }, (_, attempt) => deviceRetryDelayMs(attempt));
    expect(delays[0]).toBe(0);
    expect(delays.slice(1).every((delay, index) => delay >= delays[index]!)).toBe(true);
    expect(Math.max(...delays)).toBe(5_000);
  });
});
