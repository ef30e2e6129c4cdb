import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorCode, errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { Banner, Card, PageHeader } from '../../../ui/Layout';
import { CameraScanner } from '../audits/CameraScanner';
import { assetPath } from '../paths';

/** Reads a label with the camera (qr-scanner) or takes a typed tag, and opens the asset's page. */
export function ScanPage() {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [typed, setTyped] = useState('');
  const [camera, setCamera] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const open = async (code: string) => {
    if (!code.trim()) return;
    setBusy(true);
    setProblem(null);
    try {
      const asset = await utils.inventory.assets.resolveCode.fetch({ code: code.trim() });
      void navigate(assetPath(asset.id));
    } catch (error) {
      setProblem(errorCode(error) === 'NOT_FOUND' ? 'Etiqueta não encontrada' : errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title="Escanear etiqueta"
        description="Aponte a câmera para o QR da etiqueta, ou digite a etiqueta, o patrimônio ou o número de série."
      />
      {problem && <Banner>{problem}</Banner>}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <form
            aria-label="Código digitado"
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              void open(typed);
            }}
          >
            <TextField
              label="Etiqueta"
              placeholder="PAT-000123"
              autoComplete="off"
              autoFocus
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
            <Button type="submit" tone="primary" busy={busy} disabled={!typed.trim()}>
              Abrir ativo
            </Button>
          </form>
        </Card>
        <Card className="space-y-3">
          {camera ? (
            <>
              <CameraScanner onCode={(code) => void open(code)} />
              <Button onClick={() => setCamera(false)}>Desligar câmera</Button>
            </>
          ) : (
            <Button onClick={() => setCamera(true)}>Usar câmera</Button>
          )}
        </Card>
      </div>
    </div>
  );
}
