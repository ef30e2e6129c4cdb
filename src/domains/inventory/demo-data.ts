import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { DB } from '../../db/schema';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { expandGrants, type PermissionDefinition } from '../../platform/auth/permissions';
import { systemAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DeviceKindCatalogue } from '../../platform/devices/kinds';
import { createDevice, DEFAULT_TIMEZONE } from '../identity';
import { createAsset } from './assets/asset-editing';
import { createAssetInput, createCategoryInput, createLocationInput } from './assets/schemas';
import { createCategory } from './assets/categories';
import { createLocation } from './assets/locations';
import { createAudit } from './audits/sessions';
import { AGENT_KIND, AGENT_SCOPE, agentDeviceKind } from './machines/device-kind';
import { createContract } from './maintenance/contracts';
import { createPlan } from './maintenance/plans';
import { createContractInput, createPlanInput } from './maintenance/schemas';
import type { MovementActor } from './movements/movement-records';
import { decideMovement, executeMovement, requestMovement } from './movements/movements';
import { requestMovementInput } from './movements/schemas';
import { signTermWithPad } from './movements/terms';
import { createSupplierInput } from './purchasing/schemas';
import { createSupplier } from './purchasing/suppliers';

/** A signature drawn once on the pad, for the demo loan's term. */
const DEMO_SIGNATURE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAPAAAABGCAYAAADyxhn6AAACqklEQVR42u3dS27jMAwA0Byi6zlT73+Z6Wo2RTuILYof+T2gqxYFQ5O07ETO6wUAAAAAAAAAAAAAAAAAAABwko8/n3///UyNe1Ls3+Oelvfjm0Ax1cQ9Ifbf4tbEiukxxTS5Cb7HqoEbF9OkRphUTD/FOSH232LUxIrpMcX0v/jknMcV05XXNCXn3WO/+jsU06XYpjfB5Jxr4ibF1LkRphbTO3F1z/nKa6OomLo2wurfyHlc3JbRjZtAMeXlvGPsV3OuiZsckM7FFPka5fzsnGvggU0wOfbJjaCBmx6QDok4oYGfkvNOsT/27Dv9gHSJ/U4ccq6BjyqmlbjFntsEU3NeElxGM3ZIxt0YpjeBnB929l3ZeLB6QFYTkj14OhzIldx1iX3i2a9lA/9U/FcaYuVFrSakYvBEFNPqLq3KBl7dWVZZL22Xz1HFdPVARRVy5eDpEHvmnfCowVVxDV4V9/bhsetMktXAK8vvO9vQIqZpZM4zB0/E9fPq4Mmsl6i96a0bePUMXXVDo2rwRBTT3f8Xed9gdWDevWzJiv2duFtcf+9ezux8usauuHdvFN+R86wdUZEFnP2Z5uy42zdw5nXE7mKKvEbOLKZ3z2gVDRx1SZJdL1eGYYtNLBlLgh2TaOcNnN3P5doxxaOWfVF57DR4ou9xtNqKOfWjjNHF9E4TZw+flVVG5fCJGlDZsUcO1rQ+mby/cuqWuNUbgRWXLDuvt7MeZhg5LFo9AurkDfVTH2kT+b5rZuxRb/Htij/irnjWDc8tDfxqRgP3ib3ywx4RgyLi/fmS43ZiMXWPu9UED4j9hG+jqP5f285kGjgvdl/JUhN/dC6cDTTCyO+DemE5ZzmnEQhuhIlngycu59DAGgFOamJZAQAAAAAAAAAAAAAAAAAAAACgxhedVZA4Gu84xQAAAABJRU5ErkJggg==';

const hours = (respondHours: number, resolveHours: number) => ({ respondHours, resolveHours });

/**
 * An inventory to look at: a small building (unit → building → two floors → rooms) managed by the
 * demo manager, a dozen assets in categories with a supplier, one notebook out on loan with its
 * signed term, an audit of the ground floor ready to start, a maintenance contract and plan, and
 * an agent waiting to be enrolled (Dispositivos gives its code).
 */
export async function seedInventoryDemoData(
  db: Kysely<DB>,
  tenant: { id: string },
  deps: { publicUrl: string; permissions: readonly PermissionDefinition[] },
): Promise<void> {
  const audit = systemAudit('demo data');
  await withTenant(db, tenant.id, async (trx) => {
    if (await trx.selectFrom('inventory_locations').select('id').executeTakeFirst()) return;
    const people = await demoPeople(trx, deps.permissions, audit);
    // Every input goes through the procedures' schemas, as a form's would.
    const supplier = await createSupplier(
      trx,
      audit,
      createSupplierInput.parse({
        name: 'TecnoSul Equipamentos Ltda',
        cnpj: '11.222.333/0001-81',
        contact: 'Marina Souza',
        email: 'vendas@tecnosul.example',
        phone: '(51) 3333-4444',
      }),
    );

    const place = (input: z.input<typeof createLocationInput>) => createLocation(trx, audit, createLocationInput.parse(input));
    const category = (input: z.input<typeof createCategoryInput>) => createCategory(trx, audit, createCategoryInput.parse(input));
    const unit = await place({ type: 'unit', name: 'Sede', code: 'SEDE', parentId: null, latitude: -30.0277, longitude: -51.2287 });
    const building = await place({
      type: 'building',
      name: 'Prédio principal',
      code: 'SEDE-P1',
      parentId: unit.id,
      managerId: people.managerId,
    });
    const ground = await place({ type: 'floor', name: 'Térreo', code: 'SEDE-P1-T', parentId: building.id });
    const first = await place({ type: 'floor', name: '1º andar', code: 'SEDE-P1-1', parentId: building.id });
    const reception = await place({ type: 'room', name: 'Recepção', code: 'SEDE-P1-T-REC', parentId: ground.id });
    const storeroom = await place({ type: 'room', name: 'Almoxarifado', code: 'SEDE-P1-T-ALM', parentId: ground.id });
    const office = await place({ type: 'room', name: 'Administrativo', code: 'SEDE-P1-1-ADM', parentId: first.id });
    const meeting = await place({ type: 'room', name: 'Sala de reunião', code: 'SEDE-P1-1-REU', parentId: first.id });

    const it = await category({ name: 'Informática', parentId: null });
    const notebooks = await category({
      name: 'Notebooks',
      parentId: it.id,
      customFields: [{ key: 'processador', label: 'Processador', type: 'text', required: false }],
    });
    const monitors = await category({ name: 'Monitores', parentId: it.id });
    const printers = await category({ name: 'Impressoras', parentId: it.id });
    const furniture = await category({ name: 'Mobiliário', parentId: null });
    const audiovisual = await category({ name: 'Audiovisual', parentId: null });

    const purchased = DateTime.now().setZone(DEFAULT_TIMEZONE).minus({ months: 8 }).toISODate()!;
    const asset = (name: string, categoryId: string, locationId: string, valueCents: number, serialNumber: string, patrimonio: string) =>
      createAsset(
        trx,
        audit,
        createAssetInput.parse({
          name,
          categoryId,
          locationId,
          purchaseValueCents: valueCents,
          serialNumber,
          patrimonio,
          purchaseDate: purchased,
          supplierId: supplier.id,
        }),
      );
    const lentNotebook = await asset('Notebook Dell Latitude 5440', notebooks.id, office.id, 689_900, 'DL5440-7QX21', '10231');
    await asset('Notebook Lenovo ThinkPad E14', notebooks.id, office.id, 549_000, 'LNE14-88213', '10232');
    await asset('Notebook Lenovo ThinkPad E14', notebooks.id, reception.id, 549_000, 'LNE14-88214', '10233');
    await asset('Monitor LG 24" Full HD', monitors.id, office.id, 89_900, 'LG24-301A', '10240');
    await asset('Monitor LG 24" Full HD', monitors.id, office.id, 89_900, 'LG24-301B', '10241');
    await asset('Monitor Samsung 27"', monitors.id, reception.id, 129_900, 'SS27-9911', '10242');
    const printer = await asset('Impressora HP LaserJet M428', printers.id, reception.id, 279_000, 'HPM428-55K', '10250');
    await asset('Mesa de reunião 8 lugares', furniture.id, meeting.id, 240_000, 'MOB-REU-01', '10260');
    await asset('Cadeira ergonômica', furniture.id, office.id, 119_000, 'MOB-CAD-01', '10261');
    await asset('Cadeira ergonômica', furniture.id, office.id, 119_000, 'MOB-CAD-02', '10262');
    await asset('Projetor Epson PowerLite', audiovisual.id, meeting.id, 389_000, 'EPS-PL-771', '10270');
    await asset('Nobreak SMS 1500VA', it.id, storeroom.id, 99_000, 'SMS1500-112', '10280');

    // One notebook out on loan to the demo agent: requested, approved by the manager, term signed on the pad, handed over.
    const dueDate = DateTime.now().setZone(DEFAULT_TIMEZONE).plus({ days: 10 }).toISODate()!;
    const requested = await requestMovement(
      trx,
      people.owner,
      requestMovementInput.parse({
        assetId: lentNotebook.id,
        type: 'loan_internal',
        reason: 'Trabalho remoto durante a auditoria fiscal',
        loan: { borrowerUserId: people.agentId, dueDate },
      }),
    );
    const approved = await decideMovement(trx, people.manager, { id: requested.id, note: 'Aprovado' }, 'approve');
    const termId = approved.terms?.[0]?.id;
    if (termId) await signTermWithPad(trx, people.manager, { termId, signerName: 'Artur Atendente', signaturePng: DEMO_SIGNATURE_PNG });
    await executeMovement(trx, people.manager, approved.id);

    await createAudit(trx, audit, { name: 'Inventário do térreo', scope: { locationId: ground.id } });

    const today = DateTime.now().setZone(DEFAULT_TIMEZONE);
    const contract = await createContract(
      trx,
      audit,
      createContractInput.parse({
        supplierId: supplier.id,
        name: 'Suporte TecnoSul 2026',
        startDate: today.minus({ months: 1 }).toISODate()!,
        endDate: today.plus({ months: 11 }).toISODate()!,
        sla: { low: hours(48, 240), medium: hours(24, 120), high: hours(8, 48), critical: hours(2, 12) },
      }),
    );
    await createPlan(
      trx,
      audit,
      createPlanInput.parse({
        assetId: printer.id,
        title: 'Revisão preventiva da impressora',
        description: 'Limpeza, troca do kit de rolos e teste de impressão',
        priority: 'medium',
        period: 'interval',
        intervalDays: 90,
        nextRun: today.plus({ days: 7 }).toISODate()!,
        supplierId: supplier.id,
        contractId: contract.id,
      }),
    );

    await createDevice(
      trx,
      audit,
      { kind: AGENT_KIND, name: 'Agente do notebook da recepção', scopes: [AGENT_SCOPE] },
      { kinds: new DeviceKindCatalogue([agentDeviceKind]), publicUrl: deps.publicUrl },
    );
  });
}

/** The demo's owner (who asks) and manager (who manages the building and approves), with their permissions, and the borrower. */
async function demoPeople(trx: TenantTransaction, catalogue: readonly PermissionDefinition[], audit: AuditContext) {
  const users = await trx
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.name', 'roles.key', 'roles.permissions'])
    .where('users.active', '=', true)
    .orderBy('users.created_at')
    .execute();
  const byRole = (key: string) => {
    const user = users.find((candidate) => candidate.key === key) ?? users[0];
    if (!user) throw new Error('The inventory demo needs the demo users');
    return user;
  };
  const actor = (user: { id: string; name: string; permissions: string[] }): MovementActor => ({
    audit: { ...audit, actor: { type: 'user', id: user.id, label: user.name } },
    userId: user.id,
    permissions: new Set(expandGrants(user.permissions, catalogue)),
  });
  const owner = byRole('owner');
  const manager = byRole('manager');
  return { owner: actor(owner), manager: actor(manager), managerId: manager.id, agentId: byRole('agent').id };
}
