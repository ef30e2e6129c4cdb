import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startN8n, type N8nCredential, type N8nNode, type N8nWorkflow, type RunningN8n } from '../../scripts/n8n/runtime';

/** Only test/n8n/vitest.config.ts installs n8n; under another config (the root one) these tests are skipped. */
const underN8nConfig = Boolean(inject('n8nBin'));

const HARNESS_SECRET = `harness-${randomUUID()}`;
const HEADER_SECRET = `header-${randomUUID()}`;
const MISSING_MESSAGE = 'No such harness resource (ação)';

const headerCredential: N8nCredential = {
  id: 'harnessHeaderCr1',
  name: 'Harness header secret',
  type: 'httpHeaderAuth',
  data: { name: 'X-Webhook-Secret', value: HEADER_SECRET },
};

/** A node at the given column of a straight-line workflow. */
function node(
  column: number,
  fields: Pick<N8nNode, 'name' | 'type' | 'typeVersion' | 'parameters' | 'credentials' | 'webhookId'>,
): N8nNode {
  return { id: randomUUID(), position: [column * 220, 0], ...fields };
}

/** Links the nodes one after the other. */
function chain(...names: string[]): N8nWorkflow['connections'] {
  return Object.fromEntries(
    names.slice(0, -1).map((name, index) => [name, { main: [[{ node: names[index + 1]!, type: 'main', index: 0 }]] }]),
  );
}

function postWebhook(path: string, webhookId: string): N8nNode {
  return node(0, {
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    webhookId,
    parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: { rawBody: true } },
  });
}

/** POST harness-echo: answers `{ rawBody, computed }`, computed = HMAC-SHA256(HARNESS_SECRET, `${x-ts}.${raw body}`). */
const hmacEcho: N8nWorkflow = {
  id: 'harnessHmacEcho1',
  name: 'Harness HMAC echo',
  nodes: [
    postWebhook('harness-echo', '0b6c7c59-5a43-4f4e-9a59-8a1f3c2d7e01'),
    node(1, {
      name: 'Raw body',
      type: 'n8n-nodes-base.extractFromFile',
      typeVersion: 1,
      parameters: { operation: 'text', binaryPropertyName: 'data', destinationKey: 'rawBody', options: {} },
    }),
    node(2, {
      name: 'HMAC',
      type: 'n8n-nodes-base.crypto',
      typeVersion: 1,
      parameters: {
        action: 'hmac',
        type: 'SHA256',
        value: "={{ $('Webhook').item.json.headers['x-ts'] }}.{{ $json.rawBody }}",
        dataPropertyName: 'computed',
        secret: '={{ $env.HARNESS_SECRET }}',
        encoding: 'hex',
      },
    }),
  ],
  connections: chain('Webhook', 'Raw body', 'HMAC'),
  settings: {},
  // Every workflow here carries this tag: n8n fails on a new tag shared within one import, which the harness works around.
  tags: [{ name: 'Harness' }],
};

/** POST <path>: GETs `target` with the imported header credential and answers with what it got. */
function callUpstream(id: string, name: string, path: string, webhookId: string, target: string): N8nWorkflow {
  return {
    id,
    name,
    nodes: [
      postWebhook(path, webhookId),
      node(1, {
        name: 'Call upstream',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        parameters: { url: target, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', options: {} },
        credentials: { httpHeaderAuth: { id: headerCredential.id, name: headerCredential.name } },
      }),
    ],
    connections: chain('Webhook', 'Call upstream'),
    settings: {},
    tags: [{ name: 'Harness' }],
  };
}

interface UpstreamRequest {
  path: string;
  secret: string | undefined;
}

/** A local HTTP server: /ok answers 200, anything else 404 with a JSON message; it remembers what it was sent. */
async function startUpstream(): Promise<{ url: string; requests: UpstreamRequest[]; close: () => Promise<void> }> {
  const requests: UpstreamRequest[] = [];
  const server = http.createServer((request, response) => {
    const secret = request.headers['x-webhook-secret'];
    requests.push({ path: request.url ?? '', secret: Array.isArray(secret) ? secret.join(',') : secret });
    const found = request.url === '/ok';
    response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(found ? { upstream: 'ok' } : { message: MISSING_MESSAGE }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!underN8nConfig)('n8n runtime harness', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let n8n: RunningN8n | undefined;

  beforeAll(async () => {
    upstream = await startUpstream();
    n8n = await startN8n({
      workflows: [
        hmacEcho,
        callUpstream(
          'harnessUpstrOk01',
          'Harness upstream ok',
          'harness-upstream-ok',
          '5d0c1a8e-2f4b-4c7d-8e9f-1a2b3c4d5e02',
          `${upstream.url}/ok`,
        ),
        callUpstream(
          'harnessUpstr4041',
          'Harness upstream 404',
          'harness-upstream-404',
          '7e2d3b9f-3a5c-4d8e-9fa0-2b3c4d5e6f03',
          `${upstream.url}/missing`,
        ),
      ],
      credentials: [headerCredential],
      env: { HARNESS_SECRET },
      log: (message) => console.log(`[n8n] ${message}`),
    });
  });

  afterAll(async () => {
    await n8n?.stop();
    await upstream?.close();
  });

  function running(): RunningN8n {
    if (!n8n) throw new Error('n8n did not start');
    return n8n;
  }

  it('serves a production webhook whose HMAC over the raw body matches node:crypto, with the secret from $env', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const rawBody = JSON.stringify({ greeting: 'olá, ação — 🌱', amount: 12.5 });

    const response = await fetch(running().webhookUrl('harness-echo'), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-ts': ts },
      body: rawBody,
    });

    expect(response.status).toBe(200);
    const answer = (await response.json()) as { rawBody: string; computed: string };
    expect(answer.rawBody).toBe(rawBody);
    expect(answer.computed).toBe(createHmac('sha256', HARNESS_SECRET).update(`${ts}.${rawBody}`).digest('hex'));
    const executions = await running().waitForExecutions((all) => all.some((execution) => execution.workflowId === hmacEcho.id));
    expect(executions.find((execution) => execution.workflowId === hmacEcho.id)).toMatchObject({
      workflowName: 'Harness HMAC echo',
      status: 'success',
      mode: 'webhook',
      lastNode: 'HMAC',
    });
  });

  it('sends the header of an imported httpHeaderAuth credential', async () => {
    const response = await fetch(running().webhookUrl('harness-upstream-ok'), { method: 'POST', body: '{}' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upstream: 'ok' });
    expect(upstream.requests).toContainEqual({ path: '/ok', secret: HEADER_SECRET });
  });

  it('records a failed execution with the upstream error message', async () => {
    const response = await fetch(running().webhookUrl('harness-upstream-404'), { method: 'POST', body: '{}' });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(upstream.requests).toContainEqual({ path: '/missing', secret: HEADER_SECRET });
    const executions = await running().waitForExecutions((all) =>
      all.some((execution) => execution.workflowId === 'harnessUpstr4041' && execution.status === 'error'),
    );
    const failed = executions.find((execution) => execution.workflowId === 'harnessUpstr4041');
    expect(failed).toMatchObject({ workflowName: 'Harness upstream 404', status: 'error', lastNode: 'Call upstream' });
    expect(failed?.error).toMatchObject({ node: 'Call upstream', httpCode: '404' });
    expect(`${failed?.error?.message} ${failed?.error?.description}`).toContain(MISSING_MESSAGE);
  });

  it('keeps n8n output for diagnosis', () => {
    expect(running().log()).toContain(`Activated workflow "Harness HMAC echo" (ID: ${hmacEcho.id})`);
  });
});
