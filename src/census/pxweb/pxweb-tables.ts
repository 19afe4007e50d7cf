/** The PxWeb tables the service can fetch (SPEC §3.3). Tables NBS publishes only as XLSX annexes are not here. */
import type { PxwebTableDefinition } from './table-definition.js';
import { POP010200RCL } from './tables/pop010200rcl.js';

export const PXWEB_TABLES: readonly PxwebTableDefinition[] = [POP010200RCL];
