import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { Card, PageHeader } from '../../../ui/Layout';
import { actionsColumn } from '../../../ui/actionsColumn';
import { EditDeleteButtons, useEditableRows } from '../../../ui/EditableRows';
import { useHelpdeskLiveQueries } from '../liveEvents';
import type { QuickReply } from '../labels';
import { QueryTable } from '../../../ui/QueryTable';
import { QuickReplyForm } from './QuickReplyForm';
import { QuickReplyVariables } from './QuickReplyVariables';

/** Ready answers the team types with /atalho in a conversation, filled with the ticket's data. */
export function QuickRepliesPage() {
  const canWrite = useCan('helpdesk.quickReplies.write');
  useHelpdeskLiveQueries();
  const replies = trpc.helpdesk.quickReplies.list.useQuery();
  const utils = trpc.useUtils();
  const remove = trpc.helpdesk.quickReplies.delete.useMutation({ onSettled: () => utils.helpdesk.quickReplies.list.invalidate() });
  const rows = useEditableRows<QuickReply>(remove.mutateAsync);

  const columns: Column<QuickReply>[] = [
    {
      header: 'Atalho',
      cell: (reply) => <code className="font-mono text-sm font-medium whitespace-nowrap text-zinc-900">/{reply.shortcut}</code>,
    },
    {
      header: 'Texto',
      cell: (reply) => <span className="line-clamp-3 break-words whitespace-pre-wrap">{reply.text}</span>,
      className: 'max-w-lg',
    },
  ];
  if (canWrite) {
    columns.push(
      actionsColumn((reply) => (
        <EditDeleteButtons
          name={`/${reply.shortcut}`}
          confirmTitle={`Excluir a resposta /${reply.shortcut}?`}
          confirmMessage="Ela deixa de aparecer para a equipe na conversa. Mensagens já enviadas com ela não mudam."
          deleted={`Resposta /${reply.shortcut} excluída`}
          onEdit={() => rows.edit(reply)}
          onDelete={() => rows.remove(reply)}
        />
      )),
    );
  }

  const side = canWrite ? (
    <QuickReplyForm key={rows.editing?.id ?? 'new'} reply={rows.editing} onDone={rows.stopEditing} />
  ) : (
    <Card>
      <QuickReplyVariables />
    </Card>
  );
  return (
    <>
      <PageHeader
        title="Respostas rápidas"
        description="Textos prontos para a conversa: digite / e o atalho na resposta. As variáveis são trocadas pelos dados do contato e do ticket."
      />
      <QueryTable
        title="Respostas rápidas"
        testId="quick-replies-table"
        query={replies}
        columns={columns}
        rowKey={(reply) => reply.id}
        empty={{
          title: 'Nenhuma resposta rápida',
          hint: canWrite ? 'Crie a primeira ao lado.' : 'Quem gerencia o atendimento pode criá-las.',
        }}
        form={side}
      />
    </>
  );
}
