// Prints the README's configuration table from SERVER_OPTIONS (the one source of every flag and variable):
//   npx tsx scripts/config-table.ts
import { SERVER_OPTIONS } from '../src/config/server-options.js';

const rows = SERVER_OPTIONS.map(
  (o) =>
    `| ${o.envOnly === true ? o.flag : `\`${o.flag} ${o.value}\``} | \`${o.env}\` | ${o.defaultText.replace(/\|/g, '\\|')} | ${o.description.replace(/\|/g, '\\|')} |`,
);
process.stdout.write(
  `${[
    '| flag | environment | default | what |',
    '|---|---|---|---|',
    ...rows,
    '| `--config FILE` | `RUNWIRE_CONFIG` | (none) | JSON file with any option above by its camelCase name (`port`, `jwtSecret`, `maxRunsPerUser`, …) |',
  ].join('\n')}\n`,
);
