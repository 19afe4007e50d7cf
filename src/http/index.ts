// What other folders (cli, runs, tests) may use from src/http.
export { buildApp, HTTP_TIMEOUTS, type AppDeps } from './app.js';
export { assembleApp, V1_ROUTES, type AssembleOptions } from './assemble.js';
export { createAuthHook, bearerKeyOf, createKeyVerifier } from './auth.js';
export { classifyError, errorHandler, sendProblem, AUTH_REALM } from './error-handler.js';
export { formatContract, generateContract } from './generate-contract.js';
export { chooseLogFormat, createLogger, REDACT_PATHS, REDACTED, REQUEST_ID_LOG_LABEL, type Logger } from './logger.js';
export { createMetrics, observeRequest, UNMATCHED_ROUTE_LABEL, type Metrics } from './metrics.js';
export { API_VERSION, PINNED_CONTRACT_URL, readPinnedContract, STANDARD_PROBLEM_RESPONSES } from './openapi.js';
export {
  buildProblem,
  DEFAULT_RETRY_AFTER_SECONDS,
  PROBLEM_MEDIA_TYPE,
  PROBLEM_TYPE_PREFIX,
  problemTypeOf,
  ProblemSchema,
  type Problem,
  type ProblemFieldError,
} from './problem.js';
export {
  classifyEventLoopDelay,
  dataDirWritableCheck,
  eventLoopDelayCheck,
  HEALTH_MEDIA_TYPE,
  runReadinessChecks,
  type CheckResult,
  type HealthReport,
  type HealthStatus,
  type ReadinessCheck,
} from './readiness.js';
export { REQUEST_ID_HEADER } from './request-id.js';
export { problemResponses, type ZodApp } from './route-schema.js';
export { SCHEMA_LABELS, SchemaLabelsSchema } from './routes/schema-labels.js';
export { V1_PREFIX, type V1RoutePlugin } from './v1.js';
export { zodValidatorCompiler } from './validation.js';
