import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { EditDeleteButtons } from '../../../ui/EditableRows';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { PLACE_TYPE_LABELS } from '../assets/labels';
import { useAssetsLiveQueries } from '../assets/liveEvents';
import type { Place } from '../assets/types';
import { LocationCounts } from './LocationCounts';
import { LocationForm } from './LocationForm';

const point = (place: Place) =>
  place.latitude === null || place.longitude === null ? '—' : `${place.latitude.toFixed(4)}, ${place.longitude.toFixed(4)}`;

/** The place tree (unit → building → floor → room) with how many assets each place and its subtree hold. */
export function LocationsPage() {
  useAssetsLiveQueries();
  const canWrite = useCan('inventory.locations.write');
  const utils = trpc.useUtils();
  const places = trpc.inventory.locations.list.useQuery({ withCounts: true });
  const remove = trpc.inventory.locations.delete.useMutation({ onSuccess: () => void utils.inventory.locations.invalidate() });
  const [editing, setEditing] = useState<Place | null>(null);
  const [addingInside, setAddingInside] = useState<Place | null>(null);
  const [counting, setCounting] = useState<string | null>(null);

  const columns: Column<Place>[] = [
    {
      header: 'Localização',
      cell: (place) => (
        <span className="inline-flex items-center gap-2" style={{ paddingLeft: `${place.depth * 1.25}rem` }}>
          {place.depth > 0 && <span className="text-zinc-400">↳</span>}
          <span className="font-medium text-zinc-900">{place.name}</span>
          <Badge>{PLACE_TYPE_LABELS[place.type]}</Badge>
          <span className="font-mono text-xs text-zinc-500">{place.code}</span>
        </span>
      ),
    },
    { header: 'Responsável', cell: (place) => place.managerName ?? '—' },
    {
      header: 'Ativos',
      cell: (place) => (
        <span className="tabular-nums" title={`${place.assetCount} aqui mesmo`}>
          {place.subtreeAssetCount}
        </span>
      ),
    },
    { header: 'Ponto', cell: (place) => <span className="text-xs tabular-nums">{point(place)}</span> },
    actionsColumn<Place>((place) => (
      <>
        <Button size="sm" aria-label={`Contagens de ${place.name}`} onClick={() => setCounting(place.id)}>
          Contagens
        </Button>
        {canWrite && place.type !== 'room' && (
          <Button
            size="sm"
            aria-label={`Adicionar dentro de ${place.name}`}
            onClick={() => {
              setEditing(null);
              setAddingInside(place);
            }}
          >
            Adicionar dentro
          </Button>
        )}
        {canWrite && (
          <EditDeleteButtons
            name={place.name}
            confirmTitle={`Excluir ${place.name}?`}
            confirmMessage="Só um local vazio (sem locais dentro nem ativos) pode ser excluído."
            deleted={`${place.name} excluída`}
            onEdit={() => {
              setAddingInside(null);
              setEditing(place);
            }}
            onDelete={async () => {
              await remove.mutateAsync({ id: place.id });
              if (counting === place.id) setCounting(null);
            }}
          />
        )}
      </>
    )),
  ];

  return (
    <div className="space-y-6">
      <PageHeader title="Localizações" description="Unidade → prédio → andar → sala, com códigos, ponto no mapa e responsável." />
      <QueryTable
        title="Árvore de localizações"
        testId="locations-table"
        query={places}
        columns={columns}
        rowKey={(place) => place.id}
        empty={{ title: 'Nenhuma localização', hint: 'Comece por uma unidade no formulário ao lado.' }}
        form={
          canWrite && (
            <LocationForm
              key={`${editing?.id ?? 'new'}-${addingInside?.id ?? ''}`}
              place={editing}
              parent={addingInside}
              places={places.data ?? []}
              onDone={() => setEditing(null)}
            />
          )
        }
      />
      {counting && <LocationCounts key={counting} locationId={counting} />}
    </div>
  );
}
