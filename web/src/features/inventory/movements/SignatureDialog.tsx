import { useEffect, useRef, useState } from 'react';
import SignaturePad from 'signature_pad';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { FormDialog } from '../../../ui/FormDialog';
import { useToast } from '../../../ui/Toast';

/** Sizes the canvas's pixels to its box and the screen's density, so strokes land under the pointer and print sharp. */
function fitCanvas(canvas: HTMLCanvasElement): void {
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  canvas.width = canvas.offsetWidth * ratio;
  canvas.height = canvas.offsetHeight * ratio;
  canvas.getContext('2d')?.scale(ratio, ratio);
}

/** In person: the borrower signs with a finger or the mouse; the drawing is embedded in the term's PDF. */
export function SignatureDialog({ termId, borrowerName, onClose }: { termId: string; borrowerName: string; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);
  const [signerName, setSignerName] = useState(borrowerName);
  const [drawingMissing, setDrawingMissing] = useState(false);
  const sign = trpc.inventory.terms.signWithPad.useMutation({
    onSuccess: () => {
      toast.success('Termo assinado');
      void utils.inventory.movements.invalidate();
      onClose();
    },
  });

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    fitCanvas(canvas);
    const pad = new SignaturePad(canvas, { penColor: '#111827', minWidth: 0.8, maxWidth: 2.4 });
    const drawn = () => setDrawingMissing(false);
    pad.addEventListener('endStroke', drawn);
    padRef.current = pad;
    return () => {
      pad.removeEventListener('endStroke', drawn);
      pad.off();
      padRef.current = null;
    };
  }, []);

  const submit = () => {
    const pad = padRef.current;
    if (!pad || pad.isEmpty()) {
      setDrawingMissing(true);
      return;
    }
    sign.mutate({ termId, signerName, signaturePng: pad.toDataURL('image/png') });
  };
  const errors = fieldErrorsOf(sign.error);
  const drawingError = drawingMissing ? 'Desenhe a assinatura no quadro' : errors.signaturePng;

  return (
    <FormDialog
      title="Assinar na tela"
      submitLabel="Confirmar assinatura"
      mutation={sign}
      fields={['signerName', 'signaturePng']}
      onSubmit={submit}
      onClose={onClose}
      testId="signature-dialog"
    >
      <TextField
        label="Nome de quem assina"
        value={signerName}
        onChange={(event) => setSignerName(event.target.value)}
        error={errors.signerName}
      />
      <div className="space-y-1.5">
        <div className="flex items-end justify-between">
          <span className="text-sm font-medium text-zinc-700">Assinatura</span>
          <Button
            size="sm"
            tone="ghost"
            onClick={() => {
              padRef.current?.clear();
              setDrawingMissing(false);
            }}
          >
            Limpar
          </Button>
        </div>
        <canvas
          ref={canvasRef}
          aria-label="Área de assinatura"
          data-testid="signature-pad"
          className={`block h-44 w-full touch-none rounded-md border bg-white ${drawingError ? 'border-red-400' : 'border-zinc-300'}`}
        />
        {drawingError && (
          <p className="text-xs text-red-600" data-testid="field-error">
            {drawingError}
          </p>
        )}
        <p className="text-xs text-zinc-500">Ao confirmar, a assinatura, o nome, a data e o IP entram no PDF do termo.</p>
      </div>
    </FormDialog>
  );
}
