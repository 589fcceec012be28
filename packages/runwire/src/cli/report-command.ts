import { writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { runCheck } from '@runwire/check';
import { type Command, Option } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import { reportTokenFromEnv } from '../config/server-config.js';
import { toMs } from '../duration.js';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { REPORT_OUTPUT_FORMATS, type ReportOutputFormat, renderReport } from '../quality/render-report.js';
import type { CheckSubmission, ServerReport } from '../quality/report-schema.js';

interface ReportCommandOptions {
  url: string;
  token?: string;
  since: string;
  check?: string;
  format: ReportOutputFormat;
  out?: string;
}

/**
 * Adds `runwire report [--url URL] [--since 7d] [--check PATH] [--format text|markdown|json|html] [--out FILE]`:
 * reads the server-wide report of a running server (`GET /api/admin/report`, admin token from `--token` or
 * `RUNWIRE_TOKEN`) and writes it in one format. With `--check PATH` the checker runs here first and its score is
 * recorded on the server (`POST /api/admin/check-scores`), so the report's SSOT section compares it with the
 * latest score of PATH recorded in the previous period.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('the weekly quality report of a running server (needs an admin token)')
    .addOption(new Option('--url <URL>', 'the server').default(`http://${DEFAULTS.host}:${DEFAULTS.port}`))
    .addOption(new Option('--token <JWT>', 'an admin token (default: $RUNWIRE_TOKEN)'))
    .addOption(new Option('--since <DURATION>', 'the period, whole UTC days up to today').default('7d'))
    .addOption(
      new Option(
        '--check <PATH>',
        'run the SSOT checker on PATH, record its score on the server and report it against the previous period ' +
          '(scores are kept per PATH, ./src/ and src alike: use the same PATH each time)',
      ),
    )
    .addOption(new Option('--format <FORMAT>', 'output format').choices(REPORT_OUTPUT_FORMATS).default('text'))
    .addOption(new Option('--out <FILE>', 'write the report here instead of stdout'))
    .addHelpText(
      'after',
      '\nAdmins: tokens with the claim "runwire:admin": true (runwire token --admin), or users in --admin-users.\n' +
        'Example:\n  RUNWIRE_TOKEN=$(runwire token --user ops --admin) runwire report --check src --format html --out report.html\n',
    )
    .action(async (opts: ReportCommandOptions) => {
      const token = opts.token ?? reportTokenFromEnv();
      if (token === undefined) throw new ConfigError('No admin token: pass --token or set RUNWIRE_TOKEN');
      toMs(opts.since, '--since');
      const base = serverUrl(opts.url);
      let checkPath: string | undefined;
      if (opts.check !== undefined) {
        checkPath = normalizeCheckPath(opts.check);
        await submitCheck(base, token, { ...(await checkOf(opts.check)), path: checkPath });
      }
      const report = await fetchReport(base, token, opts.since, checkPath);
      const text = renderReport(report, opts.format);
      if (opts.out === undefined) process.stdout.write(text);
      else writeFileSync(opts.out, text);
    });
}

/** `--url` as a URL. @throws InvalidArgumentError for anything else. */
function serverUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidArgumentError(`--url must be an http(s) URL such as http://127.0.0.1:8080, got '${url}'`);
  }
}

/** The key a path's scores are kept under: POSIX separators, no `./` or trailing `/` (`./src/` and `src` match). */
function normalizeCheckPath(path: string): string {
  const normalized = posix.normalize(path.replaceAll('\\', '/'));
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** One admin request; the parsed JSON body. @throws ConfigError saying what the server answered. */
async function adminRequest(url: URL, token: string, init: { method: 'GET' | 'POST'; body?: unknown }) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    throw new ConfigError(`Cannot reach ${url.origin}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText;
    throw new ConfigError(`${url.origin} answered ${response.status}: ${message}`);
  }
  return body;
}

/** Records one checker run on the server. */
async function submitCheck(base: URL, token: string, check: CheckSubmission): Promise<void> {
  await adminRequest(new URL('/api/admin/check-scores', base), token, { method: 'POST', body: check });
}

/** Reads and checks the server's report. @throws ConfigError saying what the server answered. */
async function fetchReport(base: URL, token: string, since: string, checkPath?: string): Promise<ServerReport> {
  const url = new URL('/api/admin/report', base);
  url.searchParams.set('since', since);
  if (checkPath !== undefined) url.searchParams.set('check', checkPath);
  const body = await adminRequest(url, token, { method: 'GET' });
  // Loaded here, not at the top: the schema (zod) costs every other command, `runwire check` above all, ~0.1 s.
  const { serverReportSchema } = await import('../quality/report-schema.js');
  const parsed = serverReportSchema.safeParse(body);
  if (!parsed.success) {
    throw new ConfigError(`${url.origin} sent a report that does not match runwire-report/v2: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Runs the checker on `path` (JSON, no cache, no progress) and keeps its score and findings by rule. */
async function checkOf(path: string): Promise<CheckSubmission> {
  let json = '';
  const status = await runCheck(
    { paths: [path], format: 'json', progress: false, color: false, cache: false },
    { stdout: { write: (text: string) => (json += text) }, stderr: process.stderr, cwd: process.cwd(), noColor: true },
  );
  if (status === 2) throw new ConfigError(`runwire check ${path} could not run (see above)`);
  const result = JSON.parse(json) as {
    score: { value: number; concepts: number; violated: number };
    summary: { findings: number; byRule: Record<string, number> };
  };
  return {
    path,
    score: result.score.value,
    concepts: result.score.concepts,
    violated: result.score.violated,
    findings: result.summary.findings,
    byRule: result.summary.byRule,
  };
}
