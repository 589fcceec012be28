import type { Location } from './finding.js';
import type { Trace } from './symbol-graph.js';

/**
 * The related locations of a resolved name, for a finding: the declaration it leads to (if in the tree), then each
 * import, re-export and alias on the way. Plain local `export` steps are left out unless marked `@deprecated`.
 */
export function traceLocations(trace: Trace): Location[] {
  const { origin, hops } = trace;
  const declared: Location[] =
    origin.kind === 'declaration'
      ? [
          {
            file: origin.file,
            line: origin.declaration.line,
            column: origin.declaration.column,
            message: `'${origin.declaration.name}' declared here`,
          },
        ]
      : [];
  return [
    ...declared,
    ...hops
      .filter((hop) => hop.via !== 'export' || hop.deprecated)
      .map((hop) => ({
        file: hop.file,
        line: hop.line,
        column: hop.column,
        message: `${hop.deprecated ? 'deprecated ' : ''}via ${hop.via} '${hop.name}'`,
      })),
  ];
}
