// Preloaded into the test's n8n (NODE_OPTIONS=--require): requests to Meta's Graph API
// (graph.facebook.com, over https) go to the local stand-in at GRAPH_STAND_IN_URL (http) instead.
// n8n's WhatsApp nodes have Graph's address built in; this is how the test reaches them offline.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with node --require before n8n starts */
const http = require('node:http');
const https = require('node:https');

const GRAPH_HOST = 'graph.facebook.com';
const standIn = new URL(process.env.GRAPH_STAND_IN_URL);

function hostOf(input, options) {
  if (typeof input === 'string' || input instanceof URL) return new URL(String(input)).hostname;
  const fromInput = input && (input.hostname || input.host);
  const fromOptions = options && typeof options === 'object' ? options.hostname || options.host : undefined;
  return String(fromInput || fromOptions || '').split(':')[0];
}

function toStandIn(input, options, callback) {
  let request;
  if (typeof input === 'string' || input instanceof URL) {
    const url = new URL(String(input));
    request = { method: 'GET', path: url.pathname + url.search, ...(typeof options === 'object' ? options : {}) };
  } else {
    request = { ...input };
  }
  const done = typeof options === 'function' ? options : callback;
  for (const field of ['agent', 'createConnection', 'servername', 'socketPath', 'ca', 'cert', 'key']) delete request[field];
  Object.assign(request, { protocol: 'http:', hostname: standIn.hostname, host: standIn.hostname, port: standIn.port });
  request.headers = { ...(request.headers || {}), 'x-original-host': GRAPH_HOST };
  return http.request(request, done);
}

for (const method of ['request', 'get']) {
  const original = https[method];
  https[method] = function graphAware(input, options, callback) {
    if (hostOf(input, options) !== GRAPH_HOST) return original.apply(this, arguments);
    const request = toStandIn(input, options, callback);
    if (method === 'get') request.end();
    return request;
  };
}
