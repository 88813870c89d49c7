/**
 * Every diagnostic code. Each has at least one error golden under test/errors/.
 * Adding a code here without a golden fails the error-golden test.
 */
export const DIAGNOSTIC_CODES = [
  // input files
  'E_FILE_READ', //      a file cannot be read
  'E_BINARY_INPUT', //   a file is not UTF-8 text
  'E_YAML_SYNTAX', //    YAML does not parse
  'E_YAML_DUPLICATE_KEY',
  'E_YAML_ALIAS_LIMIT', // too many alias expansions (alias bomb)
  'E_YAML_TAG', //       an unknown tag
  'E_SCHEMA', //         a schema violation
  // pipeline
  'E_UNKNOWN_NODE',
  'E_UNKNOWN_OUTPUT',
  'E_UNKNOWN_INPUT',
  'E_FROM_INPUT', //     `from:` names an input instead of an output
  'E_CYCLE',
  'E_PATH_ESCAPES', //   an output path leaves the job dir
  'E_PRIMARY_OUTPUT', // primary_output missing or ambiguous
  'E_ARG_TEMPLATE', //   a bad argument template
  // grid
  'E_EMPTY_GRID',
  'E_EMPTY_LIST',
  'E_GRID_KEY', //       unknown top-level spec key
  'E_INCLUDE_CONFLICT', // include at both levels
  'E_UNROUTED_KEY', //   a key that routes to no node
  'E_UNKNOWN_PARAM', //  a key the node does not declare
  'E_BAD_ENABLE', //     a bad __enabled__ value
  'E_BAD_REFERENCE', //  a `<node>.<output>` reference that names nothing
  'E_INCLUDE_FILE', //   __include__ file problem
  'E_BAD_VALUE', //      a value that cannot be hashed (inf, nan)
  // options
  'E_OPTION',
  // warnings
  'W_PERF_COLLAPSE', //  rows collapse into one job because they differ only in perf params
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
