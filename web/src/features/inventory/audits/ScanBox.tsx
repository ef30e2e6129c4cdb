import { useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField, type Option } from '../../../ui/Field';
import { Badge, Banner, Card } from '../../../ui/Layout';
import { CameraScanner } from './CameraScanner';
import { ITEM_STATUS, type ScanResult } from './labels';

const SHOWN_RESULTS = 8;

type Reading = { key: string; code: string } & ({ result: ScanResult } | { error: string });

/**
 * Where people scan: the place they stand (optional), a field for a typed tag or a handheld
 * scanner (which types and presses Enter), and the camera. The latest readings stay on screen.
 */
export function ScanBox({ auditId }: { auditId: string }) {
  const utils = trpc.useUtils();
  const locations = trpc.inventory.locations.list.useQuery();
  const [locationId, setLocationId] = useState('');
  const [code, setCode] = useState('');
  const [camera, setCamera] = useState(false);
  const [readings, setReadings] = useState<Reading[]>([]);
  const scan = trpc.inventory.audits.scan.useMutation({ onSuccess: () => void utils.inventory.audits.get.invalidate({ id: auditId }) });

  const record = (scanned: string) => {
    const typed = scanned.trim();
    if (!typed) return;
    // The scanner's own id: a request resent after a lost answer is counted once.
    const clientScanId = `web-${crypto.randomUUID()}`;
    const remember = (reading: Reading) => setReadings((current) => [reading, ...current].slice(0, SHOWN_RESULTS));
    scan.mutate(
      { auditId, code: typed, clientScanId, ...(locationId ? { locationId } : {}) },
      {
        onSuccess: (result) => remember({ key: clientScanId, code: typed, result }),
        onError: (error) => remember({ key: clientScanId, code: typed, error: errorMessage(error) }),
      },
    );
    setCode('');
  };

  const locationOptions: Option[] = [
    { value: '', label: 'Não informar (conta onde era esperado)' },
    ...(locations.data ?? []).map((location) => ({
      value: location.id,
      label: `${'\u00a0\u00a0'.repeat(location.depth)}${location.name} (${location.code})`,
    })),
  ];

  return (
    <Card>
      <section aria-label="Leitura de etiquetas" className="space-y-4">
        <h2 className="text-sm font-semibold text-zinc-900">Leitura de etiquetas</h2>
        <div className="grid gap-3 md:grid-cols-2">
          <SelectField
            label="Onde estou"
            options={locationOptions}
            value={locationId}
            onChange={(event) => setLocationId(event.target.value)}
          />
          <form
            className="flex items-end gap-2"
            aria-label="Registrar leitura"
            onSubmit={(event) => {
              event.preventDefault();
              record(code);
              // A handheld scanner types the next label right away: keep the field ready.
              event.currentTarget.querySelector('input')?.focus();
            }}
          >
            <div className="grow">
              <TextField
                label="Etiqueta ou código lido"
                autoComplete="off"
                placeholder="PAT-000123"
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            </div>
            <Button type="submit" tone="primary" busy={scan.isPending}>
              Registrar
            </Button>
          </form>
        </div>
        <div>
          <Button onClick={() => setCamera((open) => !open)}>{camera ? 'Fechar câmera' : 'Usar câmera'}</Button>
        </div>
        {camera && <CameraScanner onCode={record} />}
        {readings.length > 0 && (
          <ul aria-label="Últimas leituras" className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
            {readings.map((reading) => (
              <li key={reading.key} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                {'result' in reading ? (
                  <>
                    <span>
                      <span className="font-mono">{reading.result.assetTag}</span> · {reading.result.assetName}
                    </span>
                    <span className="flex items-center gap-2">
                      {reading.result.scanCount > 1 && <span className="text-xs text-zinc-500">{reading.result.scanCount}ª leitura</span>}
                      <Badge tone={ITEM_STATUS[reading.result.status].tone}>{ITEM_STATUS[reading.result.status].label}</Badge>
                    </span>
                  </>
                ) : (
                  <Banner>
                    {reading.code}: {reading.error}
                  </Banner>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Card>
  );
}
