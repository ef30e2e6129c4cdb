import { useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Dialog } from '../../../ui/Dialog';
import { Banner } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import type { ImportResult } from './types';

interface BadRow {
  line: number;
  column?: string;
  message: string;
}

/** The bad rows of a refused import (`details.rows`), or none. */
function badRowsOf(error: unknown): BadRow[] {
  const rows = (error as { data?: { details?: { rows?: unknown } | null } } | null)?.data?.details?.rows;
  return Array.isArray(rows) ? (rows as BadRow[]) : [];
}

const badRowColumns: Column<BadRow & { key: string }>[] = [
  { header: 'Linha', cell: (row) => row.line, className: 'tabular-nums' },
  { header: 'Coluna', cell: (row) => <span className="font-mono text-xs">{row.column ?? '—'}</span> },
  { header: 'Problema', cell: (row) => row.message },
];

/**
 * Imports a CSV in the export's columns: it is checked first (every bad row shown with its line),
 * then imported whole, or not at all.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const importing = trpc.inventory.assets.import.useMutation();
  const badRows = badRowsOf(importing.error).map((row, index) => ({ ...row, key: `${row.line}-${index}` }));

  const pick = async (file: File | undefined) => {
    importing.reset();
    setChecked(null);
    setCsv(file ? { name: file.name, text: await file.text() } : null);
  };
  const run = (dryRun: boolean) => {
    if (!csv) return;
    importing.mutate(
      { csv: csv.text, dryRun },
      {
        onSuccess: (result) => {
          if (dryRun) return setChecked(result);
          toast.success(`${result.created} ativo(s) cadastrado(s), ${result.updated} alterado(s)`);
          void utils.inventory.invalidate();
          onClose();
        },
      },
    );
  };

  return (
    <Dialog
      title="Importar ativos de CSV"
      onClose={onClose}
      testId="import-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={importing.isPending}>
            Cancelar
          </Button>
          {checked ? (
            <Button tone="primary" busy={importing.isPending} onClick={() => run(false)}>
              Importar {checked.rows} linha(s)
            </Button>
          ) : (
            <Button tone="primary" busy={importing.isPending} disabled={!csv} onClick={() => run(true)}>
              Conferir arquivo
            </Button>
          )}
        </>
      }
    >
      <div className="space-y-3">
        <p>
          Use as colunas da exportação (etiqueta, nome, categoria, localizacao…; campos da categoria como <code>campo:chave</code>). Uma
          linha com etiqueta altera aquele ativo; sem etiqueta, cadastra um novo. Se alguma linha tiver erro, nada é importado.
        </p>
        <label className="block text-sm font-medium text-zinc-700">
          Arquivo CSV
          <input
            type="file"
            accept=".csv,text/csv"
            className="mt-1 block w-full text-sm"
            onChange={(event) => void pick(event.target.files?.[0])}
          />
        </label>
        {checked && (
          <Banner tone="info">
            Arquivo conferido: {checked.created} ativo(s) novo(s) e {checked.updated} alteração(ões). Nada foi gravado ainda.
          </Banner>
        )}
        {importing.error && <Banner>{errorMessage(importing.error)}</Banner>}
        {badRows.length > 0 && (
          <div className="max-h-64 overflow-y-auto">
            <DataTable
              label="Linhas com erro"
              testId="import-errors"
              columns={badRowColumns}
              rows={badRows}
              rowKey={(row) => row.key}
              empty=""
            />
          </div>
        )}
      </div>
    </Dialog>
  );
}
