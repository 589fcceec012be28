import { writeFileSync } from 'node:fs';
import { runCheck } from '@runwire/check';
import { type Command, Option } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import { reportTokenFromEnv } from '../config/server-config.js';
import { toMs } from '../duration.js';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { REPORT_OUTPUT_FORMATS, type ReportOutputFormat, renderReport } from '../quality/render-report.js';
import { type ReportCheck, type ServerReport, serverReportSchema } from '../quality/report-schema.js';

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
 * `RUNWIRE_TOKEN`), adds the SSOT score of `--check PATH` (the checker runs here), and writes it in one format.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('the weekly quality report of a running server (needs an admin token)')
    .addOption(new Option('--url <URL>', 'the server').default(`http://${DEFAULTS.host}:${DEFAULTS.port}`))
    .addOption(new Option('--token <JWT>', 'an admin token (default: $RUNWIRE_TOKEN)'))
    .addOption(new Option('--since <DURATION>', 'the period, whole UTC days up to today').default('7d'))
    .addOption(new Option('--check <PATH>', 'also run the SSOT checker on PATH and report its score by rule'))
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
      let report = await fetchReport(opts.url, token, opts.since);
      if (opts.check !== undefined) report = { ...report, check: await checkOf(opts.check) };
      const text = renderReport(report, opts.format);
      if (opts.out === undefined) process.stdout.write(text);
      else writeFileSync(opts.out, text);
    });
}

/** Reads and checks the server's report. @throws ConfigError saying what the server answered. */
async function fetchReport(url: string, token: string, since: string): Promise<ServerReport> {
  let base: URL;
  try {
    base = new URL('/api/admin/report', url);
  } catch {
    throw new InvalidArgumentError(`--url must be an http(s) URL such as http://127.0.0.1:8080, got '${url}'`);
  }
  base.searchParams.set('since', since);
  let response: Response;
  try {
    response = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new ConfigError(`Cannot reach ${base.origin}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText;
    throw new ConfigError(`${base.origin} answered ${response.status}: ${message}`);
  }
  const parsed = serverReportSchema.safeParse(body);
  if (!parsed.success) {
    throw new ConfigError(
      `${base.origin} sent a report that does not match runwire-report/v1: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** Runs the checker on `path` (JSON, no cache, no progress) and keeps its score and findings by rule. */
async function checkOf(path: string): Promise<ReportCheck> {
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
