import { parseArgs } from 'node:util';
import { LensError } from '../../core/errors';
import { checkProbeOptions, ProbeCancelled, runProbe } from '../../core/probe';
import { formatProbeReport } from '../probe-report-text';
import { EXIT_LEAK, EXIT_OK, EXIT_USAGE, UsageError } from '../cli-error';
import { censusHelp, censusOptions, censusStep } from '../census-step';
import { attachFromOptions, attachHelp, attachOptions, letGo } from '../connect';
import type { Output } from '../output';
import { positiveInt } from './diff';

export const probeHelp = `Usage: async-leak-lens probe --target <addr> --url http://127.0.0.1:PORT/path --requests N --concurrency C
                           [--rounds R] [--timeout MS] [--method M] [--body TEXT] [--json]

Finds out whether a request leaks: snapshot, send N requests (C at a time) to a URL on this
machine, wait until the target settles, snapshot again; R rounds. A leak grows by about the same
amount every round (3 -> 53 -> 104); a one-off warm-up cost only in the first. The verdict lists
the sites whose growth scales with the requests, with the rate per request and an example
stack. Requests slower than the timeout are aborted and counted as hung. A second verdict,
ABANDONED, names the awaits in your code where tasks are collected by the GC while suspended (they
never finish: the code after the await and its finally blocks never run) at a rate that grows with
the requests, even when nothing stays pending.

${attachHelp}
${censusHelp}
  --url <url>             where to send the load: http:// to 127.0.0.1, localhost or [::1] only
  -n, --requests <n>      requests per round
  -c, --concurrency <n>   requests in flight at once
  --rounds <n>            rounds of load (default 3; 1 cannot tell warm-up from a leak)
  --timeout <ms>          per-request limit; slower requests are aborted and counted (default 5000)
  --method <m>            HTTP method (default GET)
  --body <text>           request body
  --settle-max <ms>       longest wait for the target to settle after each round (default 15000)
  --json                  print the whole result as JSON (schema async-leak-lens/probe@1)

Exit codes: 0 no leak, 1 a leak or abandoned tasks were found, 2 bad usage, cannot connect, cancelled,
or cannot tell (the target gives no stacks, so no site can be checked).`;

export const probeOptions = {
  ...attachOptions,
  ...censusOptions,
  url: { type: 'string' },
  requests: { type: 'string', short: 'n' },
  concurrency: { type: 'string', short: 'c' },
  rounds: { type: 'string' },
  timeout: { type: 'string' },
  method: { type: 'string' },
  body: { type: 'string' },
  'settle-max': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export async function probeCommand(args: string[], io: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: probeOptions,
    strict: true,
  });
  if (!values.url) throw new UsageError('--url is required (for example --url http://127.0.0.1:3000/orders).');
  const requests = positiveInt(values.requests, '--requests');
  const concurrency = positiveInt(values.concurrency, '--concurrency');
  if (requests === undefined) throw new UsageError('--requests is required (requests per round, e.g. 50).');
  if (concurrency === undefined) throw new UsageError('--concurrency is required (requests in flight at once, e.g. 8).');
  const options = {
    url: values.url,
    method: values.method,
    body: values.body,
    requests,
    concurrency,
    rounds: positiveInt(values.rounds, '--rounds'),
    timeoutMs: positiveInt(values.timeout, '--timeout'),
    settleMaxMs: positiveInt(values['settle-max'], '--settle-max'),
  };
  // Bad URL, method or numbers: say so before attaching to anything.
  try {
    checkProbeOptions(options);
  } catch (error) {
    if (error instanceof LensError) throw new UsageError(error.message);
    throw error;
  }

  const session = await attachFromOptions(values, 'probe', io);
  await censusStep(session, values, io);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runProbe(session, options, {
      signal: controller.signal,
      // One line per step, not per request.
      onProgress: (p) => {
        if (p.phase !== 'load' || p.done === 0) io.err(p.message);
      },
    });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else io.out(formatProbeReport(result, { color: io.color, cwd: process.cwd() }));
    if (result.verdict === 'cannot-tell') io.err(`Cannot tell whether requests leak: ${result.sitesUnavailable ?? 'no sites'}.`);
    return result.verdict === 'no-leak' ? EXIT_OK : result.verdict === 'cannot-tell' ? EXIT_USAGE : EXIT_LEAK;
  } catch (error) {
    if (error instanceof ProbeCancelled) {
      io.err('Probe cancelled; the target is left as it was.');
      return EXIT_USAGE;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await letGo(session, io, values.target!);
  }
}
