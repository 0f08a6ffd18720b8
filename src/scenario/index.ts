/**
 * The public API of the scenario layer: the format's types, loading and validation, the check
 * library and the step runner. The page, the CLI and graded exercises (issue #9) use these.
 */
export type {
  Claim,
  Exercise,
  Link,
  LoadedScenario,
  Problem,
  Question,
  RealWorld,
  Scenario,
  Step,
  World,
  WorldFile,
} from './types.ts';
export { SCHEMA_VERSION, formatProblem } from './types.ts';
export { SCENARIO_FILE, loadScenario, memoryFolder } from './load.ts';
export type { LoadResult } from './load.ts';
export {
  EVENT_TYPES,
  MAX_FILE_BYTES,
  MAX_SCENARIO_BYTES,
  describeChecks,
  fidelityIdsOf,
  validateScenarioText,
} from './validate.ts';
export type { FolderAccess, ValidationResult } from './validate.ts';
export { CHECKS, CHECK_NAMES, checkSpec } from './checks.ts';
export type { CheckContext, CheckResult, CheckSpec, ParamSpec, ParamType } from './checks.ts';
export { STEP_PROMPT_LIMIT, checkClaims, createScenarioMachine, runLines, runStep } from './run.ts';
export type { ClaimResult, RunOptions, StepResult, WhyItem } from './run.ts';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './schema.ts';
export { parseInline, parseMarkdown } from './markdown.ts';
export type { Block, Inline } from './markdown.ts';
