/** @emnify-events/simulator: a faithful, seeded simulator of emnify's authentication and Event API. */
export { startSimulator } from './server';
export type { RunningSimulator, RequestLogEntry } from './server';
export { loadSimulatorOptions, DEFAULTS, DEMO_APPLICATION_TOKEN } from './config';
export type { SimulatorOptions } from './config';
export { NO_FAULTS } from './faults';
export type { Faults } from './faults';
export type { GroundTruth } from './truth';
export { EVENT_TYPE_CATALOGUE, EVENT_TYPES } from './catalogue';
export type { EventTypeDef } from './catalogue';
export { ORGANISATION, COUNTRIES, OPERATORS, USERS } from './world';
export { mulberry32 } from './random';
