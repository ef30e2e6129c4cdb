import { useEffect, useId, useState, type ReactNode } from 'react';
import { Button } from './Button';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
  testId?: string;
  /** For content that needs the room (lists with explanations): wider than the usual small form. */
  wide?: boolean;
}

/** A modal over a dimmed page; Escape closes it. Left-aligned even when opened from a row's (right-aligned) actions. */
export function Dialog({ title, onClose, children, footer, testId, wide = false }: DialogProps) {
  const titleId = useId();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-40 flex items-end justify-center bg-zinc-950/40 p-4 backdrop-blur-[2px] sm:items-center">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        className={`w-full ${wide ? 'max-w-2xl' : 'max-w-md'} rounded-xl border border-zinc-200 bg-white text-left shadow-xl`}
      >
        <div className="space-y-3 p-5">
          <h2 id={titleId} className="text-base font-semibold text-zinc-900">
            {title}
          </h2>
          <div className="text-sm text-zinc-600">{children}</div>
        </div>
        <div className="flex justify-end gap-2 rounded-b-xl border-t border-zinc-100 bg-zinc-50 px-5 py-3">{footer}</div>
      </div>
    </div>
  );
}

interface ConfirmButtonProps {
  label: string;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => Promise<unknown>;
}

/** A button that asks first; the dialog stays open (busy) until the action finishes. */
export function ConfirmButton({ label, title, message, confirmLabel, tone = 'danger', onConfirm }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      setOpen(false);
    } catch {
      // the caller reports the error; keep the dialog so the user can retry or cancel
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        {label}
      </Button>
      {open && (
        <Dialog
          title={title}
          onClose={() => setOpen(false)}
          footer={
            <>
              <Button onClick={() => setOpen(false)} disabled={busy}>
                Cancelar
              </Button>
              <Button tone={tone} busy={busy} onClick={() => void confirm()} autoFocus>
                {confirmLabel}
              </Button>
            </>
          }
        >
          {message}
        </Dialog>
      )}
    </>
  );
}
