// SPDX-License-Identifier: MIT
// Exports spans to Kodemon with the real OpenTelemetry JS SDK: NodeTracerProvider, a BatchSpanProcessor and the
// OTLP/HTTP exporter of either encoding. Prints what it sent as JSON (one object per span) so that the test can
// compare it with what Kodemon's API returns. Exits 1 when an export did not succeed.
//   node otel_export.mjs <url> <proto|json> <none|gzip> <service.name> <spans>
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const [url, encoding, compression, service, count] = process.argv.slice(2);
const Exporter = encoding === 'proto' ? ProtoExporter : HttpExporter;
const exporter = new Exporter({ url, compression, timeoutMillis: 10000 });

// The exporter's own results, which the batch processor would only log.
const results = [];
const recording = {
  export(spans, done) {
    exporter.export(spans, (result) => {
      results.push(result);
      done(result);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
  spanProcessors: [new BatchSpanProcessor(recording, { maxExportBatchSize: 200, scheduledDelayMillis: 50 })],
});
const tracer = provider.getTracer('kodemon-tests', '1.2.3');

// Whole seconds a minute ago, plus whole microseconds: times that survive every conversion exactly.
const baseSeconds = Math.floor(Date.now() / 1000) - 60;
const sent = [];
for (let i = 0; i < Number(count); ++i) {
  const start = [baseSeconds + i, (i % 1000) * 1000];
  const durationNanos = 250000 * (i + 1); // 0.25 ms steps
  const end = [start[0], start[1] + durationNanos];
  const name = `${encoding}-${compression}-op${i % 3}`;
  const attributes = { 'http.route': `/cart/${i % 4}`, 'retry.count': i, 'cache.hit': i % 2 === 0, ratio: 0.5 };
  const span = tracer.startSpan(name, { startTime: start, attributes });
  const failed = i % 5 === 0;
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'ValueError' });
  span.end(end);
  sent.push({ name, start: start[0] + start[1] / 1e9, ms: durationNanos / 1e6, attributes, failed });
}
await provider.forceFlush();
await provider.shutdown();
const failures = results.filter((r) => r.code !== 0);
if (results.length === 0 || failures.length > 0) {
  console.error(`exports: ${results.length}, failed: ${failures.map((r) => String(r.error)).join('; ')}`);
  process.exit(1);
}
console.log(JSON.stringify({ exports: results.length, spans: sent }));
