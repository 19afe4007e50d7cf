/** The coded error for a PxWeb answer we cannot read (pure; shared by the client and the parsers). */
import { ServiceError } from '../../errors.js';

export function schemaDrift(message: string, details: Record<string, unknown> = {}): ServiceError {
  return new ServiceError('PXWEB_SCHEMA_DRIFT', message, { details: { kind: 'schema_drift', ...details } });
}
