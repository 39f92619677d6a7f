// The standalone Prometheus endpoint, for apps without prom-client: GET /metrics on the address
// asked for (loopback unless ASYNC_LEAK_LENS_METRICS_ALLOW_REMOTE; settings.ts checks that). The
// server never keeps the process alive and a failure to listen is a warning, not a crash.
import { createServer, type Server } from 'node:http';
import { warn } from '../register/warn';
import { LeakMetricsView } from './collect';
import type { LeakReadings } from './leak-readings';
import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './prometheus-text';

export interface EndpointOptions {
  host: string;
  port: number;
  topSites: number;
}

export function startEndpoint(readings: LeakReadings, options: EndpointOptions): Server {
  const view = new LeakMetricsView(readings, options.topSites);
  const server = createServer((request, response) => {
    try {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      } else {
        const body = toPrometheusText(view.collect());
        response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
        response.end(request.method === 'HEAD' ? undefined : body);
      }
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
    }
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    warn(`no metrics endpoint on ${options.host}:${options.port}: ${error.code ?? error.message}.`);
  });
  server.listen(options.port, options.host, () => server.unref());
  server.unref();
  return server;
}
