import { createHash } from 'node:crypto';

/**
 * n8n's workflow file (what the editor's "Import from file" and `n8n import:workflow` read), built
 * from n8n's own nodes only. Ids are derived from a seed (tenant, kind, channel), so the same
 * download twice is the same workflow: importing it again replaces it instead of adding a copy.
 */
export interface N8nWorkflow {
  id: string;
  name: string;
  active: false;
  nodes: N8nNode[];
  connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
  settings: { executionOrder: 'v1'; saveDataErrorExecution: 'all'; saveDataSuccessExecution: 'all' };
  pinData: Record<string, never>;
  meta: { templateCredsSetupCompleted: false; balcao: { kind: string; generatedAt: string } };
  tags: Array<{ name: string }>;
}

export interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  webhookId?: string;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
  onError?: 'continueErrorOutput' | 'continueRegularOutput' | 'stopWorkflow';
  notes?: string;
  notesInFlow?: boolean;
}

/** A node as the templates write it: everything but its id and place, which the workflow assigns. */
export type NodeSpec = Omit<N8nNode, 'id' | 'position'>;

/** A credential the workflow uses and the person importing it must create in n8n (never its value). */
export interface N8nCredentialRef {
  type: string;
  name: string;
}

/** A stable uuid (v4 layout) from a seed: the same seed always gives the same id. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** n8n's workflow ids are 16 characters of [A-Za-z0-9]. */
function workflowIdOf(seed: string): string {
  return createHash('sha256')
    .update(seed)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
}

/** Edges between nodes by name: `[from, to]`, or `[from, to, outputIndex]` for an IF's false branch or an error output. */
export type Edge = [from: string, to: string, output?: number];

/**
 * A workflow from its nodes (laid out left to right in the order given, branches one row down)
 * and its edges. `seed` makes every id stable.
 */
export function buildWorkflow(input: {
  seed: string;
  kind: string;
  name: string;
  nodes: NodeSpec[];
  edges: Edge[];
  generatedAt: Date;
}): N8nWorkflow {
  const names = new Set(input.nodes.map((node) => node.name));
  for (const [from, to] of input.edges) {
    if (!names.has(from) || !names.has(to)) throw new Error(`buildWorkflow: edge ${from} → ${to} names a node that is not there`);
  }
  const positions = layout(input.nodes, input.edges);
  const nodes = input.nodes.map((spec): N8nNode => ({
    id: stableUuid(`${input.seed}:node:${spec.name}`),
    position: positions.get(spec.name)!,
    ...spec,
    ...(spec.webhookId !== undefined ? { webhookId: stableUuid(`${input.seed}:webhook:${spec.name}`) } : {}),
  }));
  const connections: N8nWorkflow['connections'] = {};
  for (const [from, to, output = 0] of input.edges) {
    const outputs = (connections[from] ??= { main: [] }).main;
    while (outputs.length <= output) outputs.push([]);
    outputs[output]!.push({ node: to, type: 'main', index: 0 });
  }
  return {
    id: workflowIdOf(input.seed),
    name: input.name,
    active: false,
    nodes,
    connections,
    settings: { executionOrder: 'v1', saveDataErrorExecution: 'all', saveDataSuccessExecution: 'all' },
    pinData: {},
    meta: { templateCredsSetupCompleted: false, balcao: { kind: input.kind, generatedAt: input.generatedAt.toISOString() } },
    tags: [{ name: 'Balcão' }],
  };
}

const COLUMN = 240;
const ROW = 200;

/**
 * Left to right: a node with no input starts a line of its own (triggers, one row each after the
 * first line), a node goes one column right of the node feeding it, and one row down per output
 * index (an IF's false branch, an error output) — as a person would draw it in n8n's editor.
 */
function layout(nodes: NodeSpec[], edges: Edge[]): Map<string, [number, number]> {
  const positions = new Map<string, [number, number]>();
  let nextStartRow = 0;
  for (const node of nodes) {
    const incoming = edges.find(([, to]) => to === node.name);
    const parent = incoming ? positions.get(incoming[0]) : undefined;
    if (!incoming || !parent) {
      positions.set(node.name, [0, nextStartRow * ROW]);
      nextStartRow += 1;
      continue;
    }
    positions.set(node.name, [parent[0] + COLUMN, parent[1] + (incoming[2] ?? 0) * ROW]);
    nextStartRow = Math.max(nextStartRow, (parent[1] + (incoming[2] ?? 0) * ROW) / ROW + 1);
  }
  return positions;
}
