import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; served on /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'balcao_' });
  const latencyBuckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  return {
    registry,
    procedureDuration: new Histogram({
      name: 'balcao_trpc_procedure_duration_seconds',
      help: 'tRPC procedure latency',
      labelNames: ['procedure', 'type', 'outcome'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    procedureErrors: new Counter({
      name: 'balcao_trpc_procedure_errors_total',
      help: 'tRPC procedure errors by code',
      labelNames: ['procedure', 'code'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'balcao_http_request_duration_seconds',
      help: 'REST and page route latency',
      labelNames: ['method', 'route', 'status'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'balcao_http_request_errors_total',
      help: 'REST and page responses with status >= 400',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    eventDeliveryLag: new Histogram({
      name: 'balcao_event_bus_lag_seconds',
      help: 'Time from an event being written to it being handed to subscribers',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventSubscribers: new Gauge({ name: 'balcao_event_subscribers', help: 'Open event subscriptions', registers: [registry] }),
    eventBacklog: new Gauge({
      name: 'balcao_event_backlog',
      help: 'Events waiting for earlier transactions to finish before delivery',
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'balcao_job_runs_total',
      help: 'Job runs by outcome',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'balcao_job_duration_seconds',
      help: 'Job run duration',
      labelNames: ['job'],
      buckets: [0.01, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
    deliveriesSent: new Counter({
      name: 'balcao_deliveries_sent_total',
      help: 'Outbound delivery tries by kind and outcome (delivered, retry, dead, cancelled)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    deliveryQueueDepth: new Gauge({
      name: 'balcao_deliveries_pending',
      help: 'Outbound deliveries waiting to be delivered',
      registers: [registry],
    }),
    websocketConnections: new Gauge({ name: 'balcao_websocket_connections', help: 'Open WebSocket connections', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
