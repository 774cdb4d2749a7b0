/**
 * The emnify Event object as the API sends it (`Raw*`), and as this project uses it after
 * normalisation (`EmnifyEvent`). Field names follow ../shared/emnify-api.md §3 exactly.
 *
 * The raw types are deliberately loose where the real API drifts (§3.4): timestamps in several
 * formats, `alert` as `1`, `event_source.name` instead of `.description`, severities in upper case.
 * `normalizeEvent` (normalize.ts) is the one place that turns them into the strict model.
 */

/** `{id, description}` as most events send it; some send `{id, name}` instead (§3.4). */
export interface RawIdDescription {
  id: number;
  description?: string;
  name?: string;
}

export interface RawCountry {
  id?: number;
  name?: string;
  /** Dialling code as a string, e.g. "49". */
  country_code?: string;
  mcc?: string;
  /** Lower-case ISO 3166-1 alpha-2, e.g. "de". */
  iso_code?: string;
}

export interface RawPdpContext {
  pdp_context_id?: number;
  tunnel_created?: string;
  gtp_version?: number;
  rat_type?: number;
  apn?: string | null;
  nsapi?: number;
  region?: string;
  imsi?: string;
  imeisv?: string;
  mcc?: string;
  mnc?: string;
  lac?: number | null;
  ci?: number | null;
  sac?: number | null;
  rac?: number | null;
  ue_ip_address?: string;
  breakout_ip?: string | null;
  sgsn_control_plane_ip_address?: string;
  sgsn_data_plane_ip_address?: string;
  ggsn_control_plane_ip_address?: string;
  ggsn_data_plane_ip_address?: string;
  rx_teid?: number;
  tx_teid_control_plane?: number;
  tx_teid_data_plane?: number;
  operator_id?: string;
  tariff_profile_id?: string;
  ratezone_id?: string;
  tariff_id?: string;
}

/** Data volume of a Delete PDP Context event, in MB with up to 6 decimals. */
export interface RawVolume {
  total?: number | string;
  rx?: number | string;
  tx?: number | string;
}

/**
 * `detail` of network events (types 1, 2, 3, 5): the operator block, and for PDP context events the
 * session, the PDP context and (Delete only) the volume. Other event types carry other shapes
 * (quota, transition, sim_batch, ...), kept as an open record.
 */
export interface RawNetworkDetail {
  /** emnify operator id. */
  id?: number;
  /** Operator (network) name, e.g. "Telekom". */
  name?: string;
  country?: RawCountry;
  tapcode?: Array<{ id: number; tapcode: string }>;
  mnc?: Array<{ id: number; mnc: string }>;
  session_id?: string;
  pdp_context?: RawPdpContext;
  volume?: RawVolume;
}

export interface RawQuotaDetail {
  quota?: {
    threshold_percentage?: number;
    threshold_volume?: number;
    volume?: number | string;
    traffic_type?: RawIdDescription;
    [key: string]: unknown;
  };
}

export type RawEventDetail = RawNetworkDetail & RawQuotaDetail & Record<string, unknown>;

export interface RawEvent {
  id: number;
  timestamp: string;
  alert?: boolean | number;
  description?: string;
  event_type: RawIdDescription;
  event_source?: RawIdDescription;
  event_severity?: RawIdDescription;
  organisation?: { id: number; name?: string } | null;
  user?: { id: number; username?: string; name?: string } | null;
  endpoint?: { id: number; name?: string; ip_address?: string; tags?: string | null; imei?: string } | null;
  sim?: { id: number; iccid?: string; production_date?: string; msisdn?: string } | null;
  imsi?: { id: number; imsi?: string; import_date?: string } | null;
  detail?: RawEventDetail | null;
}

/** Entry of `GET /api/v1/event/type`. */
export interface EventTypeInfo {
  id: number;
  description: string;
}

export enum EventSource {
  Network = 0,
  PolicyControl = 1,
  API = 2,
}

export enum EventSeverity {
  Info = 0,
  Warn = 1,
  Critical = 2,
}

export const EVENT_SOURCE_NAMES: Record<EventSource, string> = {
  [EventSource.Network]: 'Network',
  [EventSource.PolicyControl]: 'Policy Control',
  [EventSource.API]: 'API',
};

export const EVENT_SEVERITY_NAMES: Record<EventSeverity, string> = {
  [EventSeverity.Info]: 'INFO',
  [EventSeverity.Warn]: 'WARN',
  [EventSeverity.Critical]: 'CRITICAL',
};

/**
 * The `alert` filter's two values (emnify-api.md §2.5: `alert` is true or false), named for a UI.
 */
export const EVENT_ALERT_NAMES: Record<'true' | 'false', string> = {
  true: 'Alert',
  false: 'No alert',
};

/**
 * PDP context RAT types (`detail.pdp_context.rat_type`, the `q=rat:` filter). emnify-api.md §3.2 has seen
 * 2 (GERAN, GTP v1) and 6 (E-UTRAN, GTP v2); the other names are an inference from the 3GPP GTP RAT-Type
 * IE that emnify does not publish (its own lookup is `GET /api/v1/rat_type`).
 */
export const RAT_TYPE_NAMES: Record<number, string> = {
  1: 'UTRAN (3G)',
  2: 'GERAN (2G)',
  3: 'WLAN',
  4: 'GAN',
  5: 'HSPA Evolution',
  6: 'E-UTRAN (LTE)',
  7: 'Virtual',
  8: 'E-UTRAN NB-IoT',
  9: 'LTE-M',
  10: 'NR (5G)',
};

/** The operator (network) and its country, from the `detail` of a network event. */
export interface EventNetwork {
  operatorId?: number;
  operatorName: string;
  countryName: string;
  /** Upper-case ISO 3166-1 alpha-2, e.g. "DE"; empty when the API gave none. */
  countryIso: string;
  mcc: string;
  mnc: string[];
  tapcodes: string[];
}

/** Data volume in bytes (MB × 1,000,000, exact: decimal MB with up to 6 digits is an integer byte count). */
export interface EventVolumeBytes {
  total: number;
  rx: number;
  tx: number;
}

/** The fields of EmnifyEvent whose texts become Prometheus label values (bounded in length by normalizeEvent). */
export type LabelField =
  'typeDescription' | 'sourceName' | 'severityName' | 'operatorName' | 'countryName' | 'countryIso';

/** An event after normalisation: every drift of §3.4 resolved, optional parts explicit. */
export interface EmnifyEvent {
  /**
   * 64-bit event id, held as a number: real ids are around 1e11–1e15 (emnify-api.md §3.1), above 2^32 and
   * far below 2^53, where numbers stop being exact. normalizeEvent refuses ids past 2^53-1
   * (EVENT_ID_UNSAFE) rather than let two of them collide.
   */
  id: number;
  /** Epoch milliseconds (UTC). */
  time: number;
  /** ISO 8601 with milliseconds and `Z`. */
  timestamp: string;
  alert: boolean;
  description: string;
  typeId: number;
  /** The type's description as the event spells it. */
  typeDescription: string;
  sourceId: number;
  /** "Network", "Policy Control", "API", or the API's text for an unknown id. */
  sourceName: string;
  severityId: number;
  /** "INFO", "WARN", "CRITICAL", or the API's text upper-cased for an unknown id. */
  severityName: string;
  organisation?: { id: number; name: string };
  user?: { id: number; username: string; name: string };
  endpoint?: { id: number; name: string; ipAddress: string; tags: string; imei: string };
  sim?: { id: number; iccid: string };
  imsi?: { id: number; imsi: string };
  network?: EventNetwork;
  pdp?: { ratType?: number; apn?: string; sessionId?: string; ueIpAddress?: string };
  volume?: EventVolumeBytes;
  /** The untouched API object, for consumers that need a field not normalised here. */
  raw: RawEvent;
  /** Label texts that were longer than the bound and were cut (absent when none was). */
  truncatedLabels?: LabelField[];
}
