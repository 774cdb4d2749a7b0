/**
 * The variables of the emnify event explorer (dashboards/emnify-event-explorer.json) that other
 * dashboards link to with `var-<name>=<value>` and the same time range. The explorer must provide each
 * of them and accept the values the exporter's labels hold (a value copied from the overview selects the
 * same events in the explorer). README.md, "Drill-down to the event explorer", lists the same.
 */
export const EXPLORER_LINK_VARIABLES: Record<string, { value: string; explorerHasIt: boolean }> = {
  type: {
    value:
      'the exporter\'s event_type label, the type lookup\'s spelling ("Update Location"); repeated for several types, so multi-select',
    explorerHasIt: true,
  },
  severity: { value: 'the exporter\'s event_severity label ("CRITICAL")', explorerHasIt: true },
  source: { value: 'the exporter\'s event_source label ("Policy Control")', explorerHasIt: true },
  country: { value: 'the exporter\'s country label, ISO 3166-1 alpha-2 ("DE")', explorerHasIt: false },
  operator: { value: 'the exporter\'s operator label, the operator\'s name ("Telekom")', explorerHasIt: false },
};
