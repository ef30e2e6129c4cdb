import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { SelectField } from '../../../ui/Field';
import { FormDialog } from '../../../ui/FormDialog';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useLocationOptions } from './catalogueOptions';

interface OrderRef {
  id: string;
  number: number;
}

/** Refuses an order pending approval, with the reason the requester will read. */
export function RejectOrderDialog({ order, onClose }: { order: OrderRef; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [note, setNote] = useState('');
  const reject = trpc.inventory.purchaseOrders.reject.useMutation({
    onSuccess: () => {
      toast.success(`Pedido nº ${order.number} recusado`);
      void utils.inventory.purchaseOrders.invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title={`Recusar o pedido nº ${order.number}`}
      submitLabel="Recusar pedido"
      mutation={reject}
      fields={['note']}
      onSubmit={() => reject.mutate({ id: order.id, note })}
      onClose={onClose}
    >
      <TextAreaField
        label="Justificativa"
        value={note}
        onChange={(event) => setNote(event.target.value)}
        error={fieldErrorsOf(reject.error).note}
      />
    </FormDialog>
  );
}

/** Receives an approved order into a location: every unit becomes an asset there. */
export function ReceiveOrderDialog({ order, units, onClose }: { order: OrderRef; units: number; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const locationOptions = useLocationOptions();
  const [locationId, setLocationId] = useState('');
  const receive = trpc.inventory.purchaseOrders.receive.useMutation({
    onSuccess: (received) => {
      toast.success(`Pedido nº ${received.number} recebido: ${received.assetCount} ativo(s) cadastrado(s)`);
      void utils.inventory.purchaseOrders.invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title={`Receber o pedido nº ${order.number}`}
      submitLabel="Receber e cadastrar ativos"
      mutation={receive}
      fields={['locationId']}
      onSubmit={() => receive.mutate({ id: order.id, locationId })}
      onClose={onClose}
    >
      <p>Cada uma das {units} unidade(s) vira um ativo, com etiqueta, na localização escolhida.</p>
      <SelectField
        label="Localização de recebimento"
        options={locationOptions}
        value={locationId}
        onChange={(event) => setLocationId(event.target.value)}
        error={fieldErrorsOf(receive.error).locationId}
      />
    </FormDialog>
  );
}
