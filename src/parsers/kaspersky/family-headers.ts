// The headers of one Kaspersky family in one message, grouped by meaning.
import type { HeaderField } from '../../headers/types.js';
import type { FamilyId, FieldKey } from './families.js';

export interface PartStatus {
  /** MIME part path ("1", "2.1"). */
  path: string;
  field: HeaderField;
}

export interface FamilyHeaders {
  family: FamilyId;
  /** Occurrences per meaning, topmost first, real names before vendor-doc aliases. */
  byKey: Map<FieldKey, HeaderField[]>;
  /** Every header of the family in the top-level block (incl. unknown names), for `headers` and position. */
  fields: HeaderField[];
  /** Family names we do not know. */
  unknownNames: string[];
  /** Vendor-doc alias names used (X-RLMS-, X-KIMS-, X-RIMS-). */
  aliasNames: string[];
  /** AntiVirus-Status headers found in MIME parts. */
  partStatuses: PartStatus[];
  /** X-MS-Exchange-Organization-SCL assigned to this family (docs/gateways.md §2.4). */
  scl?: HeaderField;
}

export function emptyFamilyHeaders(family: FamilyId): FamilyHeaders {
  return { family, byKey: new Map(), fields: [], unknownNames: [], aliasNames: [], partStatuses: [] };
}
