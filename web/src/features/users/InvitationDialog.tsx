import { formatDateTime } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { SecretField } from '../../ui/SecretField';
import { ShownOnceDialog } from '../../ui/ShownOnceDialog';
import { invitationLink } from '../auth/invitationLink';

export type IssuedInvitation = RouterOutputs['users']['invite'];

/** The invitation link, this once: the server keeps only the token's hash. */
export function InvitationDialog({ issued, onClose }: { issued: IssuedInvitation; onClose: () => void }) {
  const { user, invitation } = issued;
  return (
    <ShownOnceDialog
      title={`Convite para ${user.name}`}
      testId="invitation-dialog"
      warning="Copie o link agora: ele não será mostrado novamente."
      onClose={onClose}
    >
      <p>
        Envie este link a <strong className="font-medium text-zinc-900">{user.email}</strong> por um canal de confiança. Ao abri-lo, a
        pessoa escolhe a própria senha e já entra no painel. O link só pode ser usado uma vez.
      </p>
      <SecretField label="Link do convite" value={invitationLink(invitation.token)} testId="invitation-link" />
      <p className="text-xs text-zinc-500" data-testid="invitation-expiry">
        Válido até {formatDateTime(invitation.expiresAt)}.
      </p>
    </ShownOnceDialog>
  );
}
