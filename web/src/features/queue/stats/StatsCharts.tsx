import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import type { QueueStats } from '../types';
import { minutesOf } from './statsCsv';

// Only the parts these bar charts draw: the rest of Chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const noAnimation = { animation: false, responsive: true, maintainAspectRatio: false } as const;

/** Tickets issued and the average wait per hour of the unit's day. */
export function ByHourChart({ byHour }: { byHour: QueueStats['byHour'] }) {
  const data = {
    labels: byHour.map((row) => `${String(row.hour).padStart(2, '0')}h`),
    datasets: [
      { label: 'Emitidas', data: byHour.map((row) => row.issued), backgroundColor: '#18181b', yAxisID: 'count' },
      { label: 'Espera média (min)', data: byHour.map((row) => minutesOf(row.avgWaitSec)), backgroundColor: '#f59e0b', yAxisID: 'minutes' },
    ],
  };
  const options = {
    ...noAnimation,
    scales: {
      count: { type: 'linear', position: 'left', beginAtZero: true, ticks: { precision: 0 } },
      minutes: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
    },
  } as const;
  return (
    <div className="h-64" role="img" aria-label="Senhas e espera por hora">
      <Bar data={data} options={options} />
    </div>
  );
}

/** Calls and completions per operator. */
export function ByOperatorChart({ byOperator }: { byOperator: QueueStats['byOperator'] }) {
  const data = {
    labels: byOperator.map((row) => row.operatorName),
    datasets: [
      { label: 'Chamadas', data: byOperator.map((row) => row.called), backgroundColor: '#71717a' },
      { label: 'Concluídas', data: byOperator.map((row) => row.completed), backgroundColor: '#059669' },
    ],
  };
  return (
    <div className="h-64" role="img" aria-label="Atendimentos por operador">
      <Bar data={data} options={{ ...noAnimation, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }} />
    </div>
  );
}
