// @spoc/core/testing: in-memory parts for tests of packages built on core (not for production).
export { MemoryConnector } from './memory-connector.ts';
export { memoryWorldYaml } from './memory-world-config.ts';
