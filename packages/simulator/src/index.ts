export { startSimulator } from './server';
export type { RunningSimulator, RequestLogEntry } from './server';
export { loadSimulatorOptions, DEFAULTS, DEMO_APPLICATION_TOKEN } from './config';
export type { SimulatorOptions } from './config';
export type { Faults } from './faults';
export type { GroundTruth } from './truth';
export { EVENT_TYPE_CATALOGUE, EVENT_TYPES } from './catalogue';
