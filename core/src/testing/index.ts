// @spoc/core/testing: in-memory parts for tests of packages built on core (not for production).

export { memoryBook } from './memory-book.ts';
export { MemoryChannel } from './memory-channel.ts';
export { MemoryConnector } from './memory-connector.ts';
export { MEMORY_SYSTEMS, memoryDefinition, memoryRegistry, testSystems } from './memory-definitions.ts';
export { memoryWorldYaml } from './memory-world-config.ts';
