import { formatDateTime } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { SecretField } from '../../ui/SecretField';
import { ShownOnceDialog } from '../../ui/ShownOnceDialog';
import { EnrollmentQrCode } from './EnrollmentQrCode';

type CreatedDevice = RouterOutputs['devices']['create'];

/** The new device's enrollment code, this once: typed on the device, or scanned as the enroll URL's QR code. */
export function EnrollmentCodeDialog({ created, onClose }: { created: CreatedDevice; onClose: () => void }) {
  return (
    <ShownOnceDialog
      title={`Cadastrar ${created.device.name}`}
      testId="enrollment-code-dialog"
      warning="Digite o código no dispositivo ou aponte a câmera dele para o QR code. O código vale uma vez e não será mostrado novamente."
      onClose={onClose}
    >
      <p className="text-center font-mono text-3xl font-semibold tracking-[0.3em] text-zinc-900" data-testid="enrollment-code">
        {created.enrollmentCode}
      </p>
      <p className="text-center text-xs text-zinc-500" data-testid="enrollment-expiry">
        Válido até {formatDateTime(created.expiresAt)} (15 minutos)
      </p>
      <EnrollmentQrCode url={created.enrollUrl} />
      <SecretField label="Endereço de cadastro" value={created.enrollUrl} testId="enrollment-url" />
    </ShownOnceDialog>
  );
}
