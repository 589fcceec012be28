/** `@runwire/check`'s public API: the SSOT checker as a library and as a command. Deep imports are not part of it. */

export type { BaselineEntry, BaselineFix } from './baseline.js';
export { Baseline, readBaseline, writeBaseline } from './baseline.js';
export type { CheckCommandIo } from './check-command.js';
export { configureCheckCommand, registerCheckCommand } from './check-command.js';
export type { CheckConfig, CheckConfigFile, LoadConfigOptions } from './check-config.js';
export {
  CONFIG_FILE_NAME,
  compileCheckConfig,
  DEFAULT_EXCLUDE,
  DEFAULT_INCLUDE,
  loadCheckConfig,
} from './check-config.js';
export type { CheckErrorCode } from './check-error.js';
export { CheckError } from './check-error.js';
export type { CheckResult, CheckTimings, ParseProblem, UnresolvedSite } from './check-result.js';
export type { CheckerOptions } from './checker.js';
export { Checker } from './checker.js';
export type { CheckExitCode } from './exit-code.js';
export { type ExitPolicy, exitCodeFor } from './exit-code.js';
export type { Finding, Location, RuleFinding } from './finding.js';
export type { RuleId, RuleSetting, Severity } from './rule-id.js';
export { RULE_IDS } from './rule-id.js';
export type { CheckIo, ReportFormat, RunCheckOptions, TextStream } from './run-check.js';
export { REPORT_FORMATS, runCheck } from './run-check.js';
export type { Score } from './score.js';
export { computeScore } from './score.js';
