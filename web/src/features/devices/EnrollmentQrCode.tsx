import { useQrCode } from '../../lib/useQrCode';

/** The enroll URL as a QR code, for a kiosk or display to scan instead of typing the code. */
export function EnrollmentQrCode({ url }: { url: string }) {
  const { image, failed } = useQrCode(url, 208);
  if (failed) return <p className="text-xs text-red-600">Não foi possível gerar o QR code; use o código.</p>;
  return (
    <div className="flex justify-center">
      {image ? (
        <img src={image} alt="QR code do endereço de cadastro" width={208} height={208} data-testid="enrollment-qr" />
      ) : (
        <div className="size-52 animate-pulse rounded bg-zinc-100" />
      )}
    </div>
  );
}
