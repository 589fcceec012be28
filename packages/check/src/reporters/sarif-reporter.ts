import { pathToFileURL } from 'node:url';
import type { CheckResult } from '../check-result.js';
import type { Location } from '../finding.js';
import { ALL_RULES } from '../rules/all-rules.js';
import { TOOL_INFO } from '../tool-info.js';
import type { ReportOptions } from './report-options.js';

/** The key under which results carry their concept fingerprint. */
export const SARIF_FINGERPRINT_KEY = 'runwireConcept/v1';

const SRCROOT = '%SRCROOT%';

/**
 * `runwire check --format sarif`: a SARIF 2.1.0 log with one rule per check, one result per finding, the other
 * copies and re-export hops as `relatedLocations`, fingerprints keyed on the concept (never on a line) under
 * `partialFingerprints`, and baselined findings carrying an external `suppressions` entry.
 */
export function formatSarif(result: CheckResult, options: ReportOptions): string {
  const physical = (location: Location) => ({
    artifactLocation: { uri: encodeURI(options.relative(location.file)), uriBaseId: SRCROOT },
    region: { startLine: location.line, startColumn: location.column },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_INFO.name,
            version: TOOL_INFO.version,
            rules: ALL_RULES.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.summary },
              help: { text: `${rule.summary}. See docs/check.md in the runwire package for the rule and its fix.` },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.root).href.replace(/\/?$/, '/')}` } },
        results: result.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ALL_RULES.findIndex((rule) => rule.id === finding.rule),
          level: finding.severity,
          message: { text: `${finding.message}. Fix: ${finding.fix}` },
          locations: [{ physicalLocation: physical(finding.location) }],
          relatedLocations: finding.related.map((location, index) => ({
            id: index + 1,
            physicalLocation: physical(location),
            ...(location.message === undefined ? {} : { message: { text: location.message } }),
          })),
          partialFingerprints: { [SARIF_FINGERPRINT_KEY]: finding.fingerprint },
          ...(finding.baselined
            ? {
                suppressions: [
                  {
                    kind: 'external',
                    status: 'accepted',
                    justification: `in baseline ${options.baselineFile ?? ''}`.trim(),
                  },
                ],
              }
            : {}),
          properties: { concept: finding.concept, concepts: finding.concepts, fix: finding.fix },
        })),
        properties: { score: result.score, files: result.files, unresolvedNewSites: result.unresolved.length },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
