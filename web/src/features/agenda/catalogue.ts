import { trpc } from '../../lib/trpc';
import type { Option } from '../../ui/Field';
import type { Professional, Service } from './labels';

/** The tenant's professionals and services, for the calendar and its pickers (kept fresh by the live stream). */
export function useCatalogue() {
  const professionals = trpc.agenda.professionals.list.useQuery();
  const services = trpc.agenda.services.list.useQuery();
  return {
    professionals: professionals.data ?? [],
    services: services.data ?? [],
    isPending: professionals.isPending || services.isPending,
  };
}

/** Active professionals who do the service (any service when none is picked yet). */
export function professionalOptions(
  professionals: readonly Professional[],
  serviceId: string,
  placeholder = 'Escolha o profissional',
): Option[] {
  const able = professionals.filter((professional) => professional.active && (!serviceId || professional.serviceIds.includes(serviceId)));
  return [{ value: '', label: placeholder }, ...able.map((professional) => ({ value: professional.id, label: professional.name }))];
}

/** Active services the professional does (every active one when none is picked yet). */
export function serviceOptions(services: readonly Service[], professional: Professional | undefined): Option[] {
  const offered = services.filter((service) => service.active && (!professional || professional.serviceIds.includes(service.id)));
  return [
    { value: '', label: 'Escolha o serviço' },
    ...offered.map((service) => ({ value: service.id, label: `${service.name} (${service.durationMin} min)` })),
  ];
}
